-- returns: every field of one contract line with its risk scoring (inherent and residual), found by its batch and source row
-- grain: one row per contract line (zero or one row)
-- params: $batch_id (text), $source_row (bigint)
select *
from scored_lines
where batch_id = $batch_id
  and source_row = $source_row
