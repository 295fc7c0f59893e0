-- returns: the suppliers with most spend in the high-risk categories (High or Very high), with their total spend, contracts and country
-- grain: one row per supplier (at most $limit rows)
-- params: $filters (the page filters), $limit (integer)
-- Two passes: the suppliers are chosen by a cheap sum per supplier, and only theirs get
-- the costly aggregates (distinct countries and contracts).
-- The details read the page's suppliers' lines in supplier-key order (transparency/rollup.py).
with lines as not materialized (
    select *
    from filtered_supplier_lines({{filters}})
),

-- The sums per supplier: from the per-supplier cells, or the lines grouped by the
-- supplier's whole-number key (transparency/rollup.py), not by text.
sums as (
    select
        supplier_ix,
        (sum(spend_usd) filter (where is_high_risk(risk_category)))::decimal(38, 2) as high_usd,
        sum(spend_usd)::decimal(38, 2) as spend_usd
    from filtered_supplier_sums({{filters}})
    group by supplier_ix
    having sum(count_lines) filter (where is_high_risk(risk_category)) > 0
),

top as (
    select k.supplier_key, k.supplier_name, s.*
    from sums as s
    left join page_supplier_keys as k using (supplier_ix)
    order by s.high_usd desc, k.supplier_name
    limit $limit
),

details as (
    select
        l.supplier_ix,
        coalesce(string_agg(distinct l.supplier_country_name, ', ' order by l.supplier_country_name), 'Unknown country') as countries,
        count(distinct l.contract_id) as count_contracts
    from lines as l
    semi join top as t on t.supplier_ix = l.supplier_ix
    group by l.supplier_ix
),

final as (
    select
        t.supplier_key,
        t.supplier_name,
        d.countries,
        t.high_usd,
        t.spend_usd,
        d.count_contracts
    from top as t
    join details as d using (supplier_ix)
)

select * from final
order by high_usd desc, supplier_name
