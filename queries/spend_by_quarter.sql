-- returns: total spend in USD and line count per award quarter (used for the change against the previous quarter)
-- grain: one row per quarter that has spend
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
),

final as (
    select award_quarter, sum(spend_usd)::decimal(38, 2) as spend_usd, sum(count_lines)::bigint as count_lines
    from lines
    group by award_quarter
)

select * from final
order by award_quarter
