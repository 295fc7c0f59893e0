-- defines: view scored_lines: every contract_lines column plus the risk columns, joined to risk_lines by position
-- grain: one row per contract line
-- params: none
-- Plain casts only, so an aggregate pays for no join and only for the risk columns it uses.
-- Used when risk_line_alignment finds the scan order unchanged; else scored_lines_by_key.
create or replace view scored_lines as
select
    l.*,
    r.country_tier::varchar as country_tier,
    r.tip_year::integer as tip_year,
    r.country_score::integer as country_score,
    r.country_source::varchar as country_source,
    r.sector_score::integer as sector_score,
    r.sector_source::varchar as sector_source,
    coalesce(r.is_listed_pair, false) as is_listed_pair,
    r.listed_goods::varchar as listed_goods,
    r.total_score::integer as total_score,
    coalesce(r.inherent_category::varchar, 'Not assessable') as inherent_category,
    coalesce(r.residual_category::varchar, 'Not assessable') as residual_category,
    r.not_assessable_reason::varchar as not_assessable_reason,
    r.diligence_steps::varchar as diligence_steps,
    r.risk_drivers::varchar as risk_drivers,
    r.supplier_region::varchar as supplier_region,
    r.supplier_subregion::varchar as supplier_subregion,
    r.supplier_country_name::varchar as supplier_country_name,
    fiscal_quarter(l.award_date, (select fiscal_year_start from period_settings)) as award_quarter
from contract_lines l positional join risk_lines r
