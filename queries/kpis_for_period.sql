-- returns: total spend in USD, spend in High and Very high, counts of lines, contracts and suppliers for the filtered lines
-- grain: one row for the whole filtered selection
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text)
with lines as (
    select * from filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
),

final as (
    select
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as total_usd,
        coalesce(sum(amount_usd) filter (where risk_category in ('High', 'Very high')), 0)::decimal(38, 2) as high_usd,
        count(*) as count_lines,
        count(distinct contract_id) as count_contracts,
        count(distinct coalesce(supplier_id, supplier_name)) as count_suppliers
    from lines
)

select * from final
