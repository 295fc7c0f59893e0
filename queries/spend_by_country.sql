-- returns: spend in USD per supplier country with its name, region, TIP tier, share in the high-risk categories (High or Very high) and the category holding most spend
-- grain: one row per supplier country (unknown country as one row with a null code)
-- params: $filters (the page filters)
-- Reads the country-grain cells (transparency/rollup.py) unless a unit, sector, method or line-level filter is set.
with lines as (
    select * from filtered_country_rollup({{filters}})
),

by_country_category as (
    select
        supplier_country,
        risk_category,
        any_value(supplier_country_name) as country_name,
        any_value(supplier_region) as region,
        any_value(country_tier) as country_tier,
        sum(spend_usd) as spend_usd,
        sum(count_lines) as count_lines
    from lines
    group by supplier_country, risk_category
),

final as (
    select
        supplier_country,
        coalesce(any_value(country_name), supplier_country, 'Unknown country') as country_name,
        coalesce(any_value(region), 'Unknown') as region,
        any_value(country_tier) as country_tier,
        sum(spend_usd)::decimal(38, 2) as spend_usd,
        sum(count_lines)::bigint as count_lines,
        coalesce(
            sum(spend_usd) filter (where is_high_risk(risk_category))
            / nullif(sum(spend_usd), 0),
            0
        )::double as high_share,
        arg_max(risk_category, spend_usd) as main_category
    from by_country_category
    group by supplier_country
)

select * from final
order by spend_usd desc, country_name
