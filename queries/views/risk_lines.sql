-- defines: table risk_lines: each line's risk (key columns picked from risk_lists by key_id, categories by order), in the order the store is scanned
-- grain: one row per contract line, in scan order (checked by risk_line_alignment)
-- params: none
-- Reads risk_line_ids, the per-line ids computed in Python (transparency/risk/scoring.py).
create or replace table risk_lines as
select
    i.line_hash,
    k.country_tier[i.key_id] as country_tier,
    k.country_source[i.key_id] as country_source,
    k.sector_source[i.key_id] as sector_source,
    k.listed_goods[i.key_id] as listed_goods,
    k.not_assessable_reason[i.key_id] as not_assessable_reason,
    k.risk_drivers[i.key_id] as risk_drivers,
    k.supplier_region[i.key_id] as supplier_region,
    k.supplier_subregion[i.key_id] as supplier_subregion,
    k.supplier_country_name[i.key_id] as supplier_country_name,
    k.tip_year[i.key_id] as tip_year,
    k.country_score[i.key_id] as country_score,
    k.sector_score[i.key_id] as sector_score,
    k.total_score[i.key_id] as total_score,
    k.is_listed_pair[i.key_id] as is_listed_pair,
    k.category_names[i.inherent_order] as inherent_category,
    k.category_names[i.residual_order] as residual_category,
    k.diligence_steps[i.diligence_ix] as diligence_steps
from risk_line_ids i
cross join risk_lists k
