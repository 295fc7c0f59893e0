-- defines: view risk_line_index: each line's scoring key, due-diligence key (supplier id, else name) and a hash of both
-- grain: one row per contract line, in scan order
-- params: none
create or replace view risk_line_index as
select line_key, diligence_key, hash(line_key, diligence_key) as line_hash
from (
    select
        risk_line_key(
            supplier_country, award_date, segment_code, family_code, category_scheme,
            category_raw, category_code
        ) as line_key,
        coalesce(supplier_id, supplier_name) as diligence_key
    from contract_lines
)
