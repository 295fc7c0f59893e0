-- returns: spend in USD per UNSPSC segment and family, with the share in the high-risk categories (High or Very high) (unclassified lines as their own segment)
-- grain: one row per segment and family
-- params: $filters (the page filters)
-- Reads the sector-grain cells (transparency/rollup.py) unless a unit, method or line-level filter is set.
with lines as (
    select * from filtered_family_rollup({{filters}})
),

final as (
    select
        coalesce(segment_code, 'unknown') as segment_code,
        coalesce(segment_code || ' ' || segment_title, segment_code, 'Unclassified') as segment_label,
        coalesce(family_code, 'unknown') as family_code,
        coalesce(family_code || ' ' || family_title, family_code, 'No family given') as family_label,
        sum(spend_usd)::decimal(38, 2) as spend_usd,
        sum(count_lines)::bigint as count_lines,
        coalesce(
            sum(spend_usd) filter (where is_high_risk(risk_category))
            / nullif(sum(spend_usd), 0),
            0
        )::double as high_share
    from lines
    group by all
)

select * from final
order by spend_usd desc, segment_code, family_code
