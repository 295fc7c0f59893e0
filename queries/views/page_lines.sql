-- defines: table {{schema}}.page_lines: every column of {{source}} plus its contract_key and supplier_ix
-- grain: one row per contract line
-- params: none
-- Run with the optimizer build_side_probe_side disabled (rollup.build): the lines stay the
-- probe side of both joins, never held in a hash table.
create or replace table {{schema}}.page_lines as
select l.*, c.contract_key, s.supplier_ix
from {{source}} as l
left join {{schema}}.page_contract_keys as c on c.contract_id = l.contract_id
left join {{schema}}.page_supplier_keys as s
    on s.supplier_key = coalesce(l.supplier_id, l.supplier_name)
