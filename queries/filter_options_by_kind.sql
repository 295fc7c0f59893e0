-- returns: the values a sidebar filter offers (quarters, organisational units, countries, regions, sectors, methods) with a readable label
-- grain: one row per filter kind and value
-- params: none
-- Reads the values table of the pre-aggregated cells (transparency/rollup.py): each kind's
-- values with a line, a few hundred rows, not the lines.
with lines as (
    select
        kind, award_quarter, buyer, supplier_country, supplier_country_name, supplier_region,
        segment_code, segment_title, procurement_method
    from lines_rollup_values
),

quarters as (
    select distinct 'quarter' as kind, award_quarter as value, award_quarter as label
    from lines
    where kind = 'quarter' and award_quarter is not null
),

buyers as (
    select distinct 'buyer' as kind, buyer as value, buyer as label
    from lines
    where kind = 'buyer' and buyer is not null
),

countries as (
    select
        'country' as kind,
        coalesce(supplier_country, 'unknown') as value,
        coalesce(any_value(supplier_country_name), supplier_country, 'Unknown country') as label
    from lines
    where kind = 'country'
    group by supplier_country
),

regions as (
    select distinct
        'region' as kind,
        coalesce(supplier_region, 'Unknown') as value,
        coalesce(supplier_region, 'Unknown') as label
    from lines
    where kind = 'region'
),

segments as (
    select
        'segment' as kind,
        coalesce(segment_code, 'unknown') as value,
        coalesce(segment_code || ' ' || any_value(segment_title), segment_code, 'Unclassified') as label
    from lines
    where kind = 'segment'
    group by segment_code
),

methods as (
    select distinct
        'method' as kind,
        coalesce(procurement_method, 'unknown') as value,
        coalesce(procurement_method, 'unknown') as label
    from lines
    where kind = 'method'
),

final as (
    select * from quarters
    union all select * from buyers
    union all select * from countries
    union all select * from regions
    union all select * from segments
    union all select * from methods
)

select * from final
order by kind, label
