-- returns: spend in USD and line count per combination of supplier country, UNSPSC segment, procurement method, inherent and residual risk category, not-assessable reason and due-diligence steps in force, for the reported quarter and its two comparison quarters; every published breakdown is a sum over these rows (transparency/figures/breakdowns.py)
-- grain: one row per period and combination that has at least one contract line
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- One pass over scored_lines instead of one per breakdown: at 10M lines the risk joins are
-- the cost, and every breakdown needs the same lines. The pass groups by as few and as
-- small keys as it can (a period number, the codes): names follow from the codes and come
-- from two small scans, and amounts are summed as DECIMAL(18, 2) (64-bit; a line is at
-- most TRANSPARENCY_MAX_LINE_USD, 10^12 by default, and a larger one fails loudly).
-- A due-diligence step is in force as scored_lines counts it for the residual category:
-- recorded for the supplier (id, or name when the export has no id), dated on or before
-- today and valid until today or later.
with lines as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix,
        coalesce(supplier_id, supplier_name) as diligence_key,
        supplier_country,
        segment_code,
        procurement_method,
        inherent_category,
        residual_category,
        not_assessable_reason,
        amount_usd::decimal(18, 2) as amount_usd
    from scored_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

steps_now as (
    select diligence_key, string_agg(distinct step, ',' order by step) as step_keys
    from risk_diligence_steps
    where step_date <= current_date
      and (valid_until is null or valid_until >= current_date)
    group by diligence_key
),

combinations as (
    select
        l.period_ix,
        l.supplier_country,
        l.segment_code,
        l.procurement_method,
        l.inherent_category,
        l.residual_category,
        l.not_assessable_reason,
        s.step_keys,
        count(*) as count_lines,
        coalesce(sum(l.amount_usd), 0)::decimal(38, 2) as spend_usd
    from lines as l
    left join steps_now as s on s.diligence_key = l.diligence_key
    group by all
),

country_names as (
    select
        supplier_country,
        any_value(supplier_country_name) as supplier_country_name,
        any_value(supplier_region) as supplier_region,
        any_value(supplier_subregion) as supplier_subregion
    from scored_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
    group by supplier_country
),

segment_titles as (
    select segment_code, any_value(segment_title) as segment_title
    from scored_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
    group by segment_code
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][c.period_ix + 1] as period,
        c.supplier_country,
        n.supplier_country_name,
        n.supplier_region,
        n.supplier_subregion,
        c.segment_code,
        t.segment_title,
        c.procurement_method,
        c.inherent_category,
        c.residual_category,
        c.not_assessable_reason,
        c.step_keys,
        c.count_lines,
        c.spend_usd
    from combinations as c
    left join country_names as n on n.supplier_country is not distinct from c.supplier_country
    left join segment_titles as t on t.segment_code is not distinct from c.segment_code
)

select * from final
order by
    period, supplier_country, segment_code, procurement_method,
    inherent_category, residual_category, not_assessable_reason, step_keys
