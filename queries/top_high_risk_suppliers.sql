-- returns: the suppliers with most spend in High and Very high, with their total spend, contracts and country
-- grain: one row per supplier (at most $limit rows)
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text), $limit (integer)
with lines as (
    select * from filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
),

final as (
    select
        coalesce(supplier_id, supplier_name) as supplier_key,
        any_value(supplier_name) as supplier_name,
        coalesce(string_agg(distinct supplier_country_name, ', '), 'Unknown country') as countries,
        (sum(amount_usd) filter (where risk_category in ('High', 'Very high')))::decimal(38, 2) as high_usd,
        sum(amount_usd)::decimal(38, 2) as spend_usd,
        count(distinct contract_id) as count_contracts
    from lines
    group by coalesce(supplier_id, supplier_name)
    having count(*) filter (where risk_category in ('High', 'Very high')) > 0
)

select * from final
order by high_usd desc, supplier_name
limit $limit
