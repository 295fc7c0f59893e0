-- returns: per contract, whether one tenderer took part in a competitive procedure (flag single_bidder, Cardinal R018)
-- grain: one row per contract
-- params: $flag_methods (text[]: the competitive procurement methods)
select
    contract_id,
    any_value(coalesce(supplier_id, supplier_name)) as supplier_key,
    sum(amount_usd)::decimal(38, 2) as contract_usd,
    case
        when max(number_of_tenderers) is null then null
        else max(number_of_tenderers) = 1 and bool_or(list_contains($flag_methods, procurement_method))
    end as flagged,
    max(number_of_tenderers)::varchar || ' tenderer(s)' as evidence
from contract_lines
group by contract_id
