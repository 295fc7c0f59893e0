-- returns: one page of suppliers in the filtered lines with spend in USD, countries, sectors, contracts and highest risk category, largest spend first
-- grain: one row per supplier (at most $page_size rows)
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text), $page_size (integer), $page_offset (integer)
with lines as (
    -- "Highest" ranks Not assessable below Low: it wins only when nothing is assessable.
    select
        l.*,
        case when l.risk_category = 'Not assessable' then 0 else rc.sort_order end as risk_order
    from filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search) as l
    left join risk_categories as rc on rc.category = l.risk_category
),

final as (
    select
        coalesce(supplier_id, supplier_name) as supplier_key,
        any_value(supplier_name) as supplier_name,
        coalesce(string_agg(distinct supplier_country_name, ', '), 'Unknown country') as countries,
        coalesce(string_agg(distinct segment_title, ', '), 'Unclassified') as sectors,
        sum(amount_usd)::decimal(38, 2) as spend_usd,
        count(distinct contract_id) as count_contracts,
        arg_max(risk_category, risk_order) as highest_category,
        coalesce(
            sum(amount_usd) filter (where risk_category in ('High', 'Very high'))
            / nullif(sum(amount_usd), 0),
            0
        )::double as high_share
    from lines
    group by coalesce(supplier_id, supplier_name)
)

select * from final
order by spend_usd desc, supplier_name, supplier_key
limit $page_size
offset $page_offset
