-- defines: view imported_days: the lines as imported (contract_lines, not the scored lines), their count and USD sum per award date
-- grain: one row per award date
-- params: none
-- The independent side of the quarterly figures' reconciliation and the months that have
-- data. The page cache stores it as a table (page_imported_days), so a page connection
-- never scans the lines for it.
create or replace view imported_days as
select
    award_date,
    count(*) as count_lines,
    sum(amount_usd) as spend_usd
from contract_lines
group by award_date
