-- returns: spend in USD per award quarter and risk category (inherent or residual, as chosen), with the category's sort order
-- grain: one row per quarter and risk category that has spend
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
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
