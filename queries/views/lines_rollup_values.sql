-- defines: table {{schema}}.lines_rollup_values: every value the sidebar filters offer, with the columns queries/filter_options_by_kind.sql labels them by
-- grain: one row per kind and value (a few hundred rows)
-- params: none
create or replace table {{schema}}.lines_rollup_values as
select 'quarter' as kind, award_quarter, null::varchar as buyer, null::varchar as supplier_country,
    null::varchar as supplier_country_name, null::varchar as supplier_region,
    null::varchar as segment_code, null::varchar as segment_title,
    null::varchar as procurement_method
from {{schema}}.lines_rollup_country group by award_quarter
union all by name
select 'buyer' as kind, buyer from {{schema}}.lines_rollup group by buyer
union all by name
select 'country' as kind, supplier_country,
    any_value(supplier_country_name) as supplier_country_name
from {{schema}}.lines_rollup_country group by supplier_country
union all by name
select 'region' as kind, supplier_region from {{schema}}.lines_rollup_country group by supplier_region
union all by name
select 'segment' as kind, segment_code, any_value(segment_title) as segment_title
from {{schema}}.lines_rollup group by segment_code
union all by name
select 'method' as kind, procurement_method from {{schema}}.lines_rollup group by procurement_method
