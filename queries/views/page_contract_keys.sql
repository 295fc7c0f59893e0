-- defines: table {{schema}}.page_contract_keys: a dense whole number 1..n for every contract id of {{source}}
-- grain: one row per contract id
-- params: none
create or replace table {{schema}}.page_contract_keys as
select contract_id, (row_number() over ())::integer as contract_key
from (select distinct contract_id from {{source}} where contract_id is not null);
