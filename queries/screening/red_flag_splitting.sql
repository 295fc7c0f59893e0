-- returns: per contract, whether it belongs to a run of small awards by one unit to one supplier that together reach the threshold (flag splitting)
-- grain: one row per contract
-- params: $threshold_usd (decimal), $window_days (integer), $min_awards (integer)
-- A run starts at each contract under the threshold and takes the unit's later contracts
-- under the threshold to the same supplier within the window; every member of a run with at
-- least $min_awards contracts and a total at or over the threshold is flagged.
with contracts as (
    select
        contract_id,
        any_value(buyer) as buyer,
        any_value(coalesce(supplier_id, supplier_name)) as supplier_key,
        min(award_date) as award_date,
        sum(amount_usd)::decimal(38, 2) as contract_usd
    from contract_lines
    group by contract_id
),

small as (
    select * from contracts
    where contract_usd < $threshold_usd and buyer is not null and award_date is not null
),

runs as (
    select
        s.contract_id as run_start,
        m.contract_id as member,
        count(*) over (partition by s.contract_id) as awards,
        sum(m.contract_usd) over (partition by s.contract_id) as run_usd
    from small as s
    join small as m
        on m.buyer = s.buyer
        and m.supplier_key = s.supplier_key
        and m.award_date >= s.award_date
        and m.award_date <= s.award_date + $window_days::integer
),

members as (
    select member as contract_id, max(run_usd) as run_usd, max(awards) as awards
    from runs
    where awards >= $min_awards and run_usd >= $threshold_usd
    group by member
)

select
    c.contract_id,
    c.supplier_key,
    c.contract_usd,
    case
        when c.buyer is null or c.award_date is null then null
        else m.contract_id is not null
    end as flagged,
    case
        when m.contract_id is not null
            then m.awards::varchar || ' awards, USD ' || m.run_usd::varchar || ' together'
    end as evidence
from contracts as c
left join members as m using (contract_id)
