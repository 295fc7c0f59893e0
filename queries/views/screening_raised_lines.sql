-- defines: view screening_raised_lines: scored_lines with raised_category (the inherent category raised to at least the configured one for suppliers in screening_confirmed; an unassessable line takes it too) and screening_lists (the lists of the confirmed matches)
-- grain: one row per contract line
-- params: none (the configured category and the name of the unassessable one are in the table screening_raise, written with bound values)
create or replace view screening_raised_lines as
with raise as (
    select r.category, r.sort_order, s.not_assessable
    from screening_raise as s
    join risk_categories as r on r.category = s.category
)
select
    l.*,
    case
        when c.supplier_key is null then l.inherent_category::varchar
        when cur.category = (select not_assessable from raise)
            or cur.sort_order < (select sort_order from raise)
            then (select category from raise)
        else l.inherent_category::varchar
    end as raised_category,
    c.lists as screening_lists
from scored_lines as l
left join screening_confirmed as c on c.supplier_key = coalesce(l.supplier_id, l.supplier_name)
left join risk_categories as cur on cur.category = l.inherent_category::varchar
