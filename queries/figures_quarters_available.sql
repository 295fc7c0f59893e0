-- returns: line count and spend in USD per calendar month that has contract lines (quarters are built from months, so a fiscal year can start in any month)
-- grain: one row per month with at least one contract line
-- params: none
-- Reads `imported_days` (the lines as imported, per award date): a view over the lines on
-- a plain connection, a table of about 365 rows a year in the page cache.
with final as (
    select
        date_trunc('month', award_date)::date as month,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0)::decimal(38, 2) as spend_usd
    from imported_days
    where award_date is not null
    group by all
)

select * from final
order by month
