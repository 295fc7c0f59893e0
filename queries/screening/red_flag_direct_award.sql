-- returns: per contract, whether it was awarded by a non-competitive method (flag direct_award, data/red_flags.toml)
-- grain: one row per contract
-- params: $flag_methods (text[]: the procurement methods that count as non-competitive)
select
    contract_id,
    any_value(coalesce(supplier_id, supplier_name)) as supplier_key,
    sum(amount_usd)::decimal(38, 2) as contract_usd,
    -- null (not known) when no line of the contract gives a method
    case
        when count(procurement_method) = 0 then null
        else bool_or(list_contains($flag_methods, procurement_method))
    end as flagged,
    string_agg(distinct procurement_method, ', ' order by procurement_method) as evidence
from contract_lines
group by contract_id
