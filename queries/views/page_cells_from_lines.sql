-- defines: table {{schema}}.{{table}}: the exact decimal sum (spend_usd) and line count (count_lines) of the lines of {{source}} per combination of the key columns (rollup.KEYS or rollup.SUPPLIER_KEYS)
-- grain: one row per combination of the key columns
-- params: none
create or replace table {{schema}}.{{table}} as
select
    {{keys}},
    sum(amount_usd) as spend_usd,
    count(*) as count_lines
from {{source}}
group by all
