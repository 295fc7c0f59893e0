-- defines: view risk_key_orders: each scoring key's id and the sort order of its inherent category (null when not assessable)
-- grain: one row per distinct line key
-- params: none
create or replace view risk_key_orders as
select k.line_key, k.key_id, c.sort_order as inherent_order
from risk_line_keys k
left join risk_categories c
    on k.not_assessable_reason is null and c.category = k.inherent_category
