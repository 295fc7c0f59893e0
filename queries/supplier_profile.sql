-- returns: one supplier's identity, countries, spend, period and highest inherent and residual category over all its lines (no sidebar filter)
-- grain: one row per supplier (zero or one row)
-- params: $supplier_key (text)
with lines as (
    -- "Highest" ranks Not assessable below Low: it wins only when nothing is assessable.
    select
        l.*,
        case when l.inherent_category = 'Not assessable' then 0 else ri.sort_order end
            as inherent_order,
        case when l.residual_category = 'Not assessable' then 0 else rr.sort_order end
            as residual_order
    from supplier_lines as l
    left join risk_categories as ri on ri.category = l.inherent_category
    left join risk_categories as rr on rr.category = l.residual_category
    -- The supplier's lines by its whole-number key, stored in key order (transparency/rollup.py).
    where l.supplier_ix = (select supplier_ix from page_supplier_keys where supplier_key = $supplier_key)
),

final as (
    select
        any_value(supplier_id) as supplier_id,
        any_value(supplier_name) as supplier_name,
        coalesce(string_agg(distinct supplier_country_name, ', '), 'Unknown country') as countries,
        coalesce(string_agg(distinct segment_title, ', '), 'Unclassified') as sectors,
        sum(amount_usd)::decimal(38, 2) as spend_usd,
        count(*) as count_lines,
        count(distinct contract_id) as count_contracts,
        min(award_date) as first_award_date,
        max(award_date) as last_award_date,
        arg_max(inherent_category, inherent_order) as inherent_category,
        arg_max(residual_category, residual_order) as residual_category,
        arg_max(risk_drivers, inherent_order) as main_drivers
    from lines
    having count(*) > 0
)

select * from final
