-- returns: spend in USD, line count and share of spend per risk category (inherent or residual, as chosen), all five categories even when empty
-- grain: one row per risk category
-- params: $filters (the page filters)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup({{filters}})
),

by_category as (
    select risk_category, sum(spend_usd) as spend_usd, sum(count_lines)::bigint as count_lines
    from lines
    group by risk_category
),

final as (
    select
        rc.category as risk_category,
        rc.sort_order,
        rc.colour,
        coalesce(b.spend_usd, 0)::decimal(38, 2) as spend_usd,
        coalesce(b.count_lines, 0) as count_lines,
        coalesce(b.spend_usd / nullif(sum(b.spend_usd) over (), 0), 0)::double as share_of_spend
    from risk_categories as rc
    left join by_category as b on b.risk_category = rc.category
)

select * from final
order by sort_order
