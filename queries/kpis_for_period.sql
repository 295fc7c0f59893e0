-- returns: total spend in USD, spend in the high-risk categories (High or Very high), counts of lines, contracts and suppliers for the filtered lines
-- grain: one row for the whole filtered selection
-- params: $filters (the page filters)
-- Sums and line counts come from the pre-aggregated cells (transparency/rollup.py) unless a
-- line-level filter is set. Distinct contracts and suppliers: with no filter at all, the
-- number of keys; otherwise counted exactly as bits over the lines' dense whole-number keys,
-- in blocks of 2^20 keys (a block's bitmap marks the keys seen; the count is the bits set),
-- so no hash table of millions of ids is built. Bound values pick the branch.
with settings as (
    select
        no_filter({{filters}}) as unfiltered
),

cells as (
    select
        sum(spend_usd) as total_usd,
        sum(spend_usd) filter (where is_high_risk(risk_category)) as high_usd,
        sum(count_lines) as count_lines
    from filtered_country_rollup({{filters}})
),

lines as not materialized (
    select contract_key, supplier_ix
    from filtered_lines({{filters}})
    where not (select unfiltered from settings)
),

contract_blocks as (
    select bit_count(bitstring_agg((contract_key % 1048576)::integer, 0, 1048575)) as keys
    from lines
    where contract_key is not null
    group by contract_key // 1048576
),

contracts as (
    select sum(keys) as count_contracts from contract_blocks
    union all
    select count(*) from page_contract_keys where (select unfiltered from settings)
),

suppliers as (
    select count(distinct supplier_ix) as count_suppliers from lines
    union all
    select count(*) from page_supplier_keys where (select unfiltered from settings)
),

final as (
    select
        coalesce(c.total_usd, 0)::decimal(38, 2) as total_usd,
        coalesce(c.high_usd, 0)::decimal(38, 2) as high_usd,
        coalesce(c.count_lines, 0)::bigint as count_lines,
        coalesce((select sum(count_contracts) from contracts), 0)::bigint as count_contracts,
        coalesce((select sum(count_suppliers) from suppliers), 0)::bigint as count_suppliers
    from cells as c
)

select * from final
