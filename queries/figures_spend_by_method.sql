-- returns: spend in USD and line count per procurement method
-- grain: one row per procurement method (null = not stated)
-- params: $date_from (date), $date_to (date)
with period as (
    select *
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        procurement_method as method,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        coalesce(
            sum(amount_usd) filter (where inherent_category in ('High', 'Very high')), 0
        )::decimal(38, 2) as high_risk_usd
    from period
    group by procurement_method
)

select * from final
order by
    case method
        when 'open' then 1 when 'selective' then 2 when 'limited' then 3
        when 'direct' then 4 when 'other' then 5 else 6
    end,
    method
