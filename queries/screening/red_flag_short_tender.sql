-- returns: per contract, whether the submission period was shorter than the threshold in whole days (flag short_tender, Cardinal R003)
-- grain: one row per contract
-- params: $min_days (integer)
with contracts as (
    select
        contract_id,
        any_value(coalesce(supplier_id, supplier_name)) as supplier_key,
        sum(amount_usd)::decimal(38, 2) as contract_usd,
        date_diff('day', min(tender_start_date)::date, max(tender_end_date)::date) as days
    from contract_lines
    group by contract_id
)

select
    contract_id,
    supplier_key,
    contract_usd,
    days < $min_days as flagged,
    days::varchar || ' days' as evidence
from contracts
