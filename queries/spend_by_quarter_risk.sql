-- returns: spend in USD per award quarter and risk category (inherent or residual, as chosen), with the category's sort order
-- grain: one row per quarter and risk category that has spend
-- params: $filters (the page filters)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup({{filters}})
),

final as (
    select
        l.award_quarter,
        l.risk_category,
        any_value(rc.sort_order) as sort_order,
        sum(l.spend_usd)::decimal(38, 2) as spend_usd,
        sum(l.count_lines)::bigint as count_lines
    from lines as l
    left join risk_categories as rc on rc.category = l.risk_category
    group by l.award_quarter, l.risk_category
)

select * from final
order by award_quarter, sort_order
