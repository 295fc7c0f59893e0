-- defines: table {{schema}}.{{table}}: the cells of {{source}} (spend_usd, count_lines) summed to a coarser combination of key columns (rollup.COUNTRY_KEYS or rollup.FAMILY_KEYS)
-- grain: one row per combination of the key columns
-- params: none
-- The coarser cells are sums of finer cells (their keys are among its keys), so they read
-- a million cells at 10M lines instead of the lines.
create or replace table {{schema}}.{{table}} as
select
    {{keys}},
    sum(spend_usd) as spend_usd,
    sum(count_lines)::bigint as count_lines
from {{source}}
group by all
