-- defines: view risk_line_alignment: how many lines of risk_lines do not match, by position, the line the store scans there; and how many were scanned
-- grain: one row
-- params: none
create or replace view risk_line_alignment as
select
    count(*) filter (where a.line_hash is distinct from b.line_hash) as misaligned,
    count(*) as scanned
from risk_line_index a positional join risk_lines b
