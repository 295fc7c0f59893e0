-- returns: contract lines and spend (USD) that are assessable, and those Not assessable by reason, with their shares of all lines and spend
-- grain: one row per assessment state ('Assessable' or a not-assessable reason)
-- params: none
-- Reads the pre-aggregated country cells (transparency/rollup.py): the reason is one of their keys.
with lines as (
    select
        coalesce(not_assessable_reason, 'Assessable') as reason,
        not_assessable_reason is null as is_assessable,
        spend_usd,
        count_lines
    from lines_rollup_country
),

totals as (
    select sum(count_lines)::bigint as count_all, sum(spend_usd) as spend_all_usd
    from lines
),

by_reason as (
    select
        reason,
        is_assessable,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0) as spend_usd
    from lines
    group by reason, is_assessable
),

final as (
    select
        b.reason,
        b.is_assessable,
        b.count_lines,
        b.spend_usd,
        b.count_lines / t.count_all as share_lines,
        cast(b.spend_usd as double) / nullif(cast(t.spend_all_usd as double), 0) as share_spend
    from by_reason b
    cross join totals t
)

select * from final
order by is_assessable desc, spend_usd desc, reason
