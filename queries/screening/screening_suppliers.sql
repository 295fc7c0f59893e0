-- returns: every supplier in the contract lines with its name, country, award dates, spend and lines, for screening
-- grain: one row per supplier (supplier_key is coalesce(supplier_id, supplier_name))
-- params: none
select
    coalesce(supplier_id, supplier_name) as supplier_key,
    any_value(supplier_id) as supplier_id,
    min(supplier_name) as supplier_name,
    mode(supplier_country) as supplier_country,
    list(distinct award_date order by award_date) filter (where award_date is not null) as award_dates,
    coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
    count(*) as lines
from contract_lines
group by supplier_key
order by supplier_key
