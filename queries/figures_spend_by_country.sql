-- returns: spend in USD, line count and high-risk spend (inherent High or Very high) per supplier country, with its UN region; unknown countries as one row
-- grain: one row per supplier country (null country = unknown)
-- params: $date_from (date), $date_to (date)
with period as (
    select *
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        supplier_country as country_code,
        coalesce(any_value(supplier_country_name), supplier_country, 'Unknown') as country,
        coalesce(any_value(supplier_region), 'Unknown') as region,
        coalesce(any_value(supplier_subregion), 'Unknown') as subregion,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        coalesce(
            sum(amount_usd) filter (where inherent_category in ('High', 'Very high')), 0
        )::decimal(38, 2) as high_risk_usd
    from period
    group by supplier_country
)

select * from final
order by spend_usd desc, country_code nulls last
