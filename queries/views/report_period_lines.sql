-- defines: macro report_period_lines(files, q_from, q_to, prev_from, prev_to, year_from, year_to): the lines of the batch files awarded in the reported quarter or one of its two comparison quarters
-- grain: one row per contract line
-- params: none (macro arguments: files, the store's batch files; q_from and q_to, prev_from and prev_to, year_from and year_to, each period's first day and the day after its last)
-- `figures.connect.score_periods` makes `contract_lines` a view over this macro, bound to
-- the report's three quarters, before it scores them: a line's risk depends only on its
-- own columns and its supplier's due diligence, so these lines score as in the whole store.
-- The date conditions are constants of the Parquet scan, which skips what it can.
create or replace macro report_period_lines(
    files, q_from, q_to, prev_from, prev_to, year_from, year_to
) as table
select *
from read_parquet(files)
where (award_date >= q_from and award_date < q_to)
   or (award_date >= prev_from and award_date < prev_to)
   or (award_date >= year_from and award_date < year_to)
