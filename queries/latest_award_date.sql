-- returns: the latest award date among all imported lines, for the Overview's "data as of" line (no filters)
-- grain: one row
-- params: none
-- Reads imported_days (one row per award date; a table in the page cache), not the lines.
select max(award_date) as latest_award_date
from imported_days
