-- returns: spend in USD and line count per risk category, inherent and residual (after due diligence), every category listed with its chart colour
-- grain: one row per risk category, in the model's order
-- params: $date_from (date), $date_to (date)
with period as (
    select *
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

inherent as (
    select inherent_category as category, count(*) as count_lines, sum(amount_usd) as spend_usd
    from period
    group by inherent_category
),

residual as (
    select residual_category as category, count(*) as count_lines, sum(amount_usd) as spend_usd
    from period
    group by residual_category
),

final as (
    select
        c.category,
        c.sort_order,
        c.colour,
        coalesce(i.spend_usd, 0)::decimal(38, 2) as inherent_usd,
        coalesce(i.count_lines, 0) as inherent_lines,
        coalesce(r.spend_usd, 0)::decimal(38, 2) as residual_usd,
        coalesce(r.count_lines, 0) as residual_lines
    from risk_categories as c
    left join inherent as i on i.category = c.category
    left join residual as r on r.category = c.category
)

select * from final
order by sort_order
