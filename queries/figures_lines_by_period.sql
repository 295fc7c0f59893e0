-- returns: count of contract lines for the reported quarter and its two comparison quarters, read from the contract lines as imported (not scored)
-- grain: one row per period with at least one contract line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- The unscored side of the figures summed from the page cache's cells (figures.py,
-- `_totals_and_cells`): every breakdown's line count must equal these counts, so a line
-- that scoring (or building the cache) lost or doubled fails the figures. Only the award
-- date is read (decoding every line's amount costs five times as much at 10M lines).
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix
    from contract_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][period_ix + 1] as period,
        count(*) as count_lines
    from periods
    group by period_ix
)

select * from final
order by period
