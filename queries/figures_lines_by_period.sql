-- returns: count and USD sum of the contract lines as imported (not scored) for the reported quarter and its two comparison quarters
-- grain: one row per period with at least one contract line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- The unscored side of the figures summed from the page cache's cells (figures.py,
-- `_totals_and_cells`): every breakdown's spend and line count must equal these, so a line
-- that scoring (or building the cache) lost, doubled or changed fails the figures.
-- `imported_days` is summed per award date from `contract_lines` when the page cache is
-- built (transparency/rollup.py), apart from the scored lines.
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix,
        count_lines,
        spend_usd
    from imported_days
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][period_ix + 1] as period,
        sum(count_lines)::bigint as count_lines,
        sum(spend_usd)::decimal(38, 2) as imported_usd
    from periods
    group by period_ix
)

select * from final
order by period
