-- returns: high-risk spend in USD (inherent High or Very high) and line count whose supplier has each due-diligence step in force, plus the spend with any step in force
-- grain: one row per due-diligence step in force for at least one high-risk line, plus one row with step null for "any step"
-- params: $date_from (date), $date_to (date)
-- A step is in force as scored_lines counts it for the residual category: recorded for the
-- supplier (id, or name when the export has no id), dated on or before today and valid
-- until today or later.
with high_risk as (
    select amount_usd, coalesce(supplier_id, supplier_name) as diligence_key
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
      and inherent_category in ('High', 'Very high')
),

steps_now as (
    select distinct diligence_key, step
    from risk_diligence_steps
    where step_date <= current_date
      and (valid_until is null or valid_until >= current_date)
),

by_step as (
    select
        s.step,
        count(*) as count_lines,
        coalesce(sum(h.amount_usd), 0)::decimal(38, 2) as covered_usd
    from high_risk as h
    inner join steps_now as s on s.diligence_key = h.diligence_key
    group by s.step
),

any_step as (
    select
        null::varchar as step,
        count(*) as count_lines,
        coalesce(sum(h.amount_usd), 0)::decimal(38, 2) as covered_usd
    from high_risk as h
    where h.diligence_key in (select diligence_key from steps_now)
),

final as (
    select * from by_step
    union all
    select * from any_step
)

select * from final
order by step nulls last
