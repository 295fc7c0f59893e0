-- returns: line count and spend in USD per calendar month that has contract lines (quarters are built from months, so a fiscal year can start in any month)
-- grain: one row per month with at least one contract line
-- params: none
with final as (
    select
        date_trunc('month', award_date)::date as month,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd
    from contract_lines
    where award_date is not null
    group by all
)

select * from final
order by month
