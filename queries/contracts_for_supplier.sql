-- returns: every contract of one supplier (all periods, no sidebar filter) with its first award date, lines, spend in USD and highest inherent and residual category
-- grain: one row per contract
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
        contract_id,
        min(award_date) as first_award_date,
        any_value(buyer) as buyer,
        count(*) as count_lines,
        sum(amount_usd)::decimal(38, 2) as spend_usd,
        arg_max(inherent_category, inherent_order) as inherent_category,
        arg_max(residual_category, residual_order) as residual_category
    from lines
    group by contract_id
)

select * from final
order by first_award_date desc, contract_id
