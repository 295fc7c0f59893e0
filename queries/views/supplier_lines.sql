-- defines: table {{schema}}.supplier_lines: the columns rollup.SUPPLIER_LINE_COLUMNS of the page lines, in supplier-key order
-- grain: one row per contract line
-- params: none
-- Keys are numbered by total spend, largest first, so a supplier's lines sit in one or two
-- row groups that DuckDB's zone maps find without reading the other lines.
create or replace table {{schema}}.supplier_lines as
select {{columns}}
from {{schema}}.page_lines
order by supplier_ix
