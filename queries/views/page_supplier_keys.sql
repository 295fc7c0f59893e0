-- defines: table {{schema}}.page_supplier_keys: a dense whole number 1..n for every supplier of {{source}} (supplier_key is coalesce(supplier_id, supplier_name)), numbered by total spend, largest first
-- grain: one row per supplier key
-- params: none
create or replace table {{schema}}.page_supplier_keys as
select
    supplier_key,
    supplier_name,
    (row_number() over (order by spend_usd desc, supplier_key))::integer as supplier_ix
from (
    select
        coalesce(supplier_id, supplier_name) as supplier_key,
        any_value(supplier_name) as supplier_name,
        sum(amount_usd) as spend_usd
    from {{source}}
    where coalesce(supplier_id, supplier_name) is not null
    group by supplier_key
);
