-- returns: spend in USD, line count and high-risk spend (inherent High or Very high) per UN M49 region of the supplier country
-- grain: one row per region (unknown country = region 'Unknown')
-- params: $date_from (date), $date_to (date)
with period as (
    select *
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        coalesce(supplier_region, 'Unknown') as region,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        coalesce(
            sum(amount_usd) filter (where inherent_category in ('High', 'Very high')), 0
        )::decimal(38, 2) as high_risk_usd
    from period
    group by coalesce(supplier_region, 'Unknown')
)

select * from final
order by spend_usd desc, region
