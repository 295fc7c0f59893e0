-- defines: macro is_high_risk(category): true when the risk category counts as high risk (risk_categories.is_high, from transparency/risk/categories.py)
-- grain: one value per call
-- params: none (macro argument: a risk category)
-- The query planner runs the uncorrelated subquery once per query, over five rows.
create or replace macro is_high_risk(category) as (
    category::varchar in (select r.category from risk_categories as r where r.is_high)
)
