-- returns: inherent high-risk spend in USD (High or Very high) and the part of it in contracts with at least one red flag (the registered table flagged_contracts)
-- grain: one row
-- params: none
select
    coalesce(sum(amount_usd) filter (where is_high_risk(inherent_category::varchar)), 0)::decimal(38, 2) as high_risk_usd,
    coalesce(
        sum(amount_usd) filter (
            where is_high_risk(inherent_category::varchar)
            and contract_id in (select contract_id from flagged_contracts)
        ),
        0
    )::decimal(38, 2) as flagged_usd
from scored_lines
