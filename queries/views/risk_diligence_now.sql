-- defines: table risk_diligence_now: each supplier's due-diligence steps valid today and the bands they lower (capped at max_reduction)
-- grain: one row per supplier with a step in force (diligence_key)
-- params: none
create or replace table risk_diligence_now as
with steps_now as (
    select diligence_key, step, max(bands) as bands, max(label) as label,
           max(step_date) as step_date, max(valid_until) as valid_until
    from risk_diligence_steps
    where step_date <= current_date
      and (valid_until is null or valid_until >= current_date)
    group by diligence_key, step
)
select *, cast(row_number() over (order by diligence_key) as uinteger) as diligence_ix
from (
    select d.diligence_key,
           least(max(s.max_reduction), sum(d.bands)) as reduction,
           string_agg(d.label || ' (' || strftime(d.step_date, '%Y-%m-%d')
                      || coalesce(', valid until ' || strftime(d.valid_until, '%Y-%m-%d'), '')
                      || ')', '; ' order by d.step) as diligence_steps
    from steps_now d cross join risk_settings s
    group by d.diligence_key
)
