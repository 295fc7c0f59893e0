-- returns: spend in USD and line count per period and cell of the page tables' pre-aggregated cells (transparency/rollup.py), in four parts that each add up to the period's lines: 'country' (supplier country with its names, inherent and residual risk category, not-assessable reason), 'segment' (UNSPSC segment, inherent category), 'method' (procurement method, inherent category) and 'steps' (lines with inherent High or Very high only, by the due-diligence steps in force for their supplier)
-- grain: one row per part, period and cell with at least one contract line
-- params: $quarter (text), $previous (text), $year_earlier (text)
-- The calendar-quarter form of figures_spend_by_combination: every published breakdown
-- needs one of these parts only, so the cells (a few thousand per quarter) are read instead
-- of the 7-key combination of millions of lines. figures.py uses it only when the three
-- periods are calendar quarters (`award_quarter` of the cells). Sums of the cells' exact
-- decimal sums are the sums of the lines. Names, regions and titles follow from the codes
-- as in scored_lines (risk_countries by ISO code; a segment's title from its cells). A
-- due-diligence step is in force as in figures_spend_by_combination.
with country as (
    select
        award_quarter,
        supplier_country,
        inherent_category,
        residual_category,
        not_assessable_reason,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0)::decimal(38, 2) as spend_usd
    from lines_rollup_country
    where award_quarter in ($quarter, $previous, $year_earlier)
    group by all
),

segment as (
    select
        award_quarter,
        segment_code,
        any_value(segment_title) as segment_title,
        inherent_category,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0)::decimal(38, 2) as spend_usd
    from lines_rollup_family
    where award_quarter in ($quarter, $previous, $year_earlier)
    group by award_quarter, segment_code, inherent_category
),

method as (
    select
        award_quarter,
        procurement_method,
        inherent_category,
        sum(count_lines)::bigint as count_lines,
        coalesce(sum(spend_usd), 0)::decimal(38, 2) as spend_usd
    from lines_rollup
    where award_quarter in ($quarter, $previous, $year_earlier)
    group by all
),

steps_now as (
    select diligence_key, string_agg(distinct step, ',' order by step) as step_keys
    from risk_diligence_steps
    where step_date <= current_date
      and (valid_until is null or valid_until >= current_date)
    group by diligence_key
),

steps as (
    -- supplier_key is coalesce(supplier_id, supplier_name), the key due diligence uses
    select
        c.award_quarter,
        c.inherent_category,
        s.step_keys,
        sum(c.count_lines)::bigint as count_lines,
        coalesce(sum(c.spend_usd), 0)::decimal(38, 2) as spend_usd
    from supplier_cells as c
    left join page_supplier_keys as k on k.supplier_ix = c.supplier_ix
    left join steps_now as s on s.diligence_key = k.supplier_key
    where c.award_quarter in ($quarter, $previous, $year_earlier)
      and is_high_risk(c.inherent_category)
    group by all
),

parts as (
    select 'country' as part, * from country
    union all by name
    select 'segment' as part, * from segment
    union all by name
    select 'method' as part, * from method
    union all by name
    select 'steps' as part, * from steps
),

final as (
    select
        p.part,
        case p.award_quarter
            when $quarter then 'quarter'
            when $previous then 'previous_quarter'
            else 'year_earlier'
        end as period,
        p.supplier_country,
        n.name as supplier_country_name,
        n.region as supplier_region,
        n.subregion as supplier_subregion,
        p.segment_code,
        p.segment_title,
        p.procurement_method,
        p.inherent_category,
        p.residual_category,
        p.not_assessable_reason,
        p.step_keys,
        p.count_lines,
        p.spend_usd
    from parts as p
    left join risk_countries as n on n.iso3 = p.supplier_country
)

select * from final
order by
    part, period, supplier_country, segment_code, procurement_method,
    inherent_category, residual_category, not_assessable_reason, step_keys
