-- returns: total spend in USD and line count per award quarter (used for the change against the previous quarter)
-- grain: one row per quarter that has spend
-- params: $filters (the page filters)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup({{filters}})
),

final as (
    select award_quarter, sum(spend_usd)::decimal(38, 2) as spend_usd, sum(count_lines)::bigint as count_lines
    from lines
    group by award_quarter
)

select * from final
order by award_quarter
