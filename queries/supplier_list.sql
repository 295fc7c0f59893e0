-- returns: one page of suppliers in the filtered lines with spend in USD, countries, sectors, contracts and highest risk category, largest spend first
-- grain: one row per supplier (at most $page_size rows)
-- params: $filters (the page filters), $page_size (integer), $page_offset (integer)
-- Two passes: the page of suppliers is chosen by a cheap sum per supplier, and only its
-- suppliers' lines get the costly aggregates (distinct lists and counts): at 10M lines
-- that is a few dozen suppliers instead of all of them.
-- The details read the page's suppliers' lines in supplier-key order (transparency/rollup.py).
with lines as not materialized (
    select *
    from filtered_supplier_lines({{filters}})
),

-- The sum per supplier: from the per-supplier cells, or the lines grouped by the supplier's
-- whole-number key (transparency/rollup.py), not by text.
sums as (
    select supplier_ix, sum(spend_usd)::decimal(38, 2) as spend_usd
    from filtered_supplier_sums({{filters}})
    group by supplier_ix
),

page as (
    select k.supplier_key, s.supplier_ix, k.supplier_name, s.spend_usd
    from sums as s
    left join page_supplier_keys as k using (supplier_ix)
    order by s.spend_usd desc, k.supplier_name, k.supplier_key
    limit $page_size
    offset $page_offset
),

page_lines as (
    -- "Highest" ranks Not assessable below Low: it wins only when nothing is assessable.
    select
        l.*,
        case when l.risk_category = 'Not assessable' then 0 else rc.sort_order end as risk_order
    from lines as l
    semi join page as p on p.supplier_ix = l.supplier_ix
    left join risk_categories as rc on rc.category = l.risk_category
),

details as (
    select
        supplier_ix,
        coalesce(string_agg(distinct supplier_country_name, ', ' order by supplier_country_name), 'Unknown country') as countries,
        coalesce(string_agg(distinct segment_title, ', ' order by segment_title), 'Unclassified') as sectors,
        count(distinct contract_id) as count_contracts,
        arg_max(risk_category, risk_order) as highest_category,
        coalesce(
            sum(amount_usd) filter (where is_high_risk(risk_category))
            / nullif(sum(amount_usd), 0),
            0
        )::double as high_share
    from page_lines
    group by supplier_ix
),

final as (
    select
        p.supplier_key,
        p.supplier_name,
        d.countries,
        d.sectors,
        p.spend_usd,
        d.count_contracts,
        d.highest_category,
        d.high_share
    from page as p
    join details as d using (supplier_ix)
)

select * from final
order by spend_usd desc, supplier_name, supplier_key
