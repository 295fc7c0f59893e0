-- returns: line count and spend in USD per calendar month that has contract lines (quarters are built from months, so a fiscal year can start in any month)
-- grain: one row per month with at least one contract line
-- params: none
-- Grouped by day first (a date is a small key; about 365 groups a year) and the few
-- days then by month, which at 10M lines costs less than truncating every line's date.
with days as (
    select
        award_date,
        count(*) as count_lines,
        sum(amount_usd::decimal(18, 2)) as spend_usd
    from contract_lines
    where award_date is not null
    group by award_date
),

final as (
    select
        date_trunc('month', award_date)::date as month,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0)::decimal(38, 2) as spend_usd
    from days
    group by all
)

select * from final
order by month
