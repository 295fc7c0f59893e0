-- returns: high-risk spend in USD (inherent High or Very high) and line count covered by each due-diligence step recorded for the supplier, plus the spend covered by any step
-- grain: one row per due-diligence step found, plus one row with step null for "any step"
-- params: $date_from (date), $date_to (date)
with high_risk as (
    select amount_usd, nullif(trim(coalesce(diligence_steps, '')), '') as steps
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
      and inherent_category in ('High', 'Very high')
),

per_step as (
    select trim(unnest(string_split(steps, ','))) as step, amount_usd
    from high_risk
    where steps is not null
),

by_step as (
    select step, count(*) as count_lines, coalesce(sum(amount_usd), 0)::decimal(38, 2) as covered_usd
    from per_step
    where step <> ''
    group by step
),

any_step as (
    select
        null::varchar as step,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as covered_usd
    from high_risk
    where steps is not null
),

final as (
    select * from by_step
    union all
    select * from any_step
)

select * from final
order by step nulls last
