-- defines: table period_settings: the month (1-12) the fiscal year starts in, the one setting every quarter label follows (transparency/quarters.py)
-- grain: one row
-- params: $fiscal_year_start (integer)
create or replace table period_settings as
select $fiscal_year_start::integer as fiscal_year_start
