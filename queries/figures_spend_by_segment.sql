-- returns: spend in USD, line count and high-risk spend (inherent High or Very high) per UNSPSC segment; lines without a category as one row
-- grain: one row per UNSPSC segment (null segment = unclassified)
-- params: $date_from (date), $date_to (date)
with period as (
    select *
    from scored_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        segment_code,
        coalesce(any_value(segment_title), segment_code, 'Unclassified') as segment,
        count(*) as count_lines,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        coalesce(
            sum(amount_usd) filter (where inherent_category in ('High', 'Very high')), 0
        )::decimal(38, 2) as high_risk_usd
    from period
    group by segment_code
)

select * from final
order by spend_usd desc, segment_code nulls last
