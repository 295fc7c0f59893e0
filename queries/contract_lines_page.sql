-- returns: one page of filtered contract lines for the Contracts table, sorted by an allowed column ($sort is one of award_date, amount_usd, supplier_name, risk, contract_id, country), with the key (batch_id, source_row) that opens the detail
-- grain: one row per contract line (at most $page_size rows)
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text), $sort (text), $descending (boolean), $page_size (integer), $page_offset (integer)
with lines as (
    select * from filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
),

final as (
    select
        l.batch_id,
        l.source_row,
        l.contract_id,
        l.line_id,
        l.award_date,
        l.buyer,
        l.supplier_name,
        coalesce(l.supplier_country_name, l.supplier_country, 'Unknown country') as country_name,
        l.description,
        coalesce(l.segment_title, 'Unclassified') as segment_title,
        l.procurement_method,
        l.amount,
        l.currency,
        l.amount_usd,
        l.risk_category,
        rc.sort_order as risk_order,
        l.total_score
    from lines as l
    left join risk_categories as rc on rc.category = l.risk_category
)

-- Each sort column is its own pair of terms so the choice stays a bound value, never SQL text.
select * exclude (risk_order) from final
order by
    case when $sort = 'award_date' and not $descending then award_date end asc,
    case when $sort = 'award_date' and $descending then award_date end desc,
    case when $sort = 'amount_usd' and not $descending then amount_usd end asc,
    case when $sort = 'amount_usd' and $descending then amount_usd end desc,
    case when $sort = 'supplier_name' and not $descending then supplier_name end asc,
    case when $sort = 'supplier_name' and $descending then supplier_name end desc,
    case when $sort = 'risk' and not $descending then risk_order end asc,
    case when $sort = 'risk' and $descending then risk_order end desc,
    case when $sort = 'contract_id' and not $descending then contract_id end asc,
    case when $sort = 'contract_id' and $descending then contract_id end desc,
    case when $sort = 'country' and not $descending then country_name end asc,
    case when $sort = 'country' and $descending then country_name end desc,
    contract_id,
    line_id,
    batch_id,
    source_row
limit $page_size
offset $page_offset
