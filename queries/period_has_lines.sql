-- returns: whether any contract line was awarded in the period (checked before the report scores its quarters)
-- grain: one row
-- params: $date_from (date), $date_to (date)
-- The period runs from $date_from up to, not including, $date_to.
select exists (
    select 1
    from contract_lines
    where award_date >= $date_from and award_date < $date_to
) as has_lines
