-- returns: spend in USD and line count that could be assessed, and that could not, per reason (the rows add up to the period's total)
-- grain: one row for the assessable lines plus one row per not-assessable reason
-- params: $date_from (date), $date_to (date)
with period as (
    select
        amount_usd,
        inherent_category = 'Not assessable' as is_not_assessable,
        not_assessable_reason
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        not is_not_assessable as is_assessable,
        case
            when is_not_assessable then coalesce(not_assessable_reason, 'Reason not recorded')
        end as reason,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd
    from period
    group by all
)

select * from final
order by is_assessable desc, spend_usd desc, reason
