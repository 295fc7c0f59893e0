-- defines: table {{schema}}.imported_days: a copy of the view main.imported_days (the lines as imported, per award date) in the page cache
-- grain: one row per award date
-- params: none
-- Read from the view over contract_lines on purpose, never from the scored lines: it is
-- the independent side of the figures' reconciliation.
create or replace table {{schema}}.imported_days as
select * from main.imported_days
