-- defines: macro fiscal_quarter(d, start_month): the label ('2026Q1') of the quarter day d falls in, for a fiscal year starting in start_month and named for the calendar year it ends in (transparency/quarters.py: of)
-- grain: one value per call
-- params: none (macro arguments: a date, the fiscal year's first month 1-12)
-- With start_month 1 this is the calendar quarter: year(d) || 'Q' || quarter(d).
create or replace macro fiscal_quarter(d, start_month) as (
    cast(
        year(d) - cast(month(d) < start_month as integer) + cast(start_month > 1 as integer)
        as varchar
    )
    || 'Q' || cast((month(d) - start_month + 12) % 12 // 3 + 1 as varchar)
)
