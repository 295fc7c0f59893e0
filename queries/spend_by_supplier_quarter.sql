-- returns: one supplier's spend in USD per award quarter and risk category (inherent or residual, as chosen), all periods
-- grain: one row per quarter and risk category with spend
-- params: $supplier_key (text), $risk_basis (text)
with lines as (
    select
        award_quarter,
        amount_usd,
        case when $risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category
    from supplier_lines
    -- The supplier's lines by its whole-number key, stored in key order (transparency/rollup.py).
    where supplier_ix = (select supplier_ix from page_supplier_keys where supplier_key = $supplier_key)
),

final as (
    select
        l.award_quarter,
        l.risk_category,
        any_value(rc.sort_order) as sort_order,
        sum(l.amount_usd)::decimal(38, 2) as spend_usd
    from lines as l
    left join risk_categories as rc on rc.category = l.risk_category
    group by l.award_quarter, l.risk_category
)

select * from final
order by award_quarter, sort_order
