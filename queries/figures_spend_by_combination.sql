-- returns: spend in USD and line count per combination of supplier country, UNSPSC segment, procurement method, inherent and residual risk category, not-assessable reason and due-diligence steps in force, for the reported quarter and its two comparison quarters; every published breakdown is a sum over these rows (transparency/figures.py)
-- grain: one row per period and combination that has at least one contract line
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- One pass over scored_lines instead of one per breakdown: at 10M lines the risk joins are
-- the cost, and every breakdown needs the same lines.
-- A due-diligence step is in force as scored_lines counts it for the residual category:
-- recorded for the supplier (id, or name when the export has no id), dated on or before
-- today and valid until today or later.
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 'quarter'
            when award_date >= $prev_from and award_date < $prev_to then 'previous_quarter'
            when award_date >= $year_from and award_date < $year_to then 'year_earlier'
        end as period,
        coalesce(supplier_id, supplier_name) as diligence_key,
        supplier_country,
        supplier_country_name,
        supplier_region,
        supplier_subregion,
        segment_code,
        segment_title,
        procurement_method,
        inherent_category,
        residual_category,
        not_assessable_reason,
        amount_usd
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

final as (
    select
        p.period,
        p.supplier_country,
        -- names follow from the codes; grouping by the codes alone is cheaper at 10M lines
        any_value(p.supplier_country_name) as supplier_country_name,
        any_value(p.supplier_region) as supplier_region,
        any_value(p.supplier_subregion) as supplier_subregion,
        p.segment_code,
        any_value(p.segment_title) as segment_title,
        p.procurement_method,
        p.inherent_category,
        p.residual_category,
        p.not_assessable_reason,
        s.step_keys,
        count(*) as count_lines,
        coalesce(sum(p.amount_usd), 0)::decimal(38, 2) as spend_usd
    from periods as p
    left join steps_now as s on s.diligence_key = p.diligence_key
    group by
        p.period, p.supplier_country, p.segment_code, p.procurement_method,
        p.inherent_category, p.residual_category, p.not_assessable_reason, s.step_keys
)

select * from final
order by all
