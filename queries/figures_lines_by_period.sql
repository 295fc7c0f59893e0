-- returns: total spend in USD and count of contract lines for the reported quarter and its two comparison quarters, read from the contract lines as imported (not scored)
-- grain: one row per period with at least one contract line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- The side of figures_totals_by_period that the reconciliation needs from the unscored
-- lines, for figures whose counts come from the page cache (figures_counts_by_period):
-- every breakdown is summed from scored cells and must equal these line counts and sums,
-- so a line lost or doubled by scoring fails the figures. Only the date and amount are
-- read, so it costs a fraction of the distinct counts over ids.
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix,
        amount_usd::decimal(18, 2) as amount_usd
    from contract_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][period_ix + 1] as period,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        count(*) as count_lines
    from periods
    group by period_ix
)

select * from final
order by period
