-- returns: total spend in USD, spend in High and Very high, counts of lines, contracts and suppliers for the filtered lines
-- grain: one row for the whole filtered selection
-- params: $quarter_from (text), $quarter_to (text), $buyers (text[]), $risk_basis (text), $categories (text[]), $countries (text[]), $regions (text[]), $segments (text[]), $methods (text[]), $min_usd (decimal), $search (text)
-- Distinct contracts and suppliers are counted exactly as bits: each has a dense whole-number
-- key (transparency/rollup.py), split into blocks of 65,536 keys; a block's bitmap marks the
-- keys seen, and the count is the sum of the bits set. No hash table of millions of ids.
with lines as not materialized (
    select amount_usd, risk_category, contract_key, supplier_ix
    from filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, $countries, $regions, $segments, $methods, $min_usd, $search)
),

contract_blocks as (
    select
        sum(amount_usd) as total_usd,
        sum(amount_usd) filter (where risk_category in ('High', 'Very high')) as high_usd,
        count(*) as count_lines,
        bit_count(bitstring_agg((contract_key % 65536)::integer, 0, 65535)) as count_contracts
    from lines
    group by contract_key // 65536
),

supplier_blocks as (
    select bit_count(bitstring_agg((supplier_ix % 65536)::integer, 0, 65535)) as count_suppliers
    from lines
    group by supplier_ix // 65536
),

final as (
    select
        coalesce(c.total_usd, 0)::decimal(38, 2) as total_usd,
        coalesce(c.high_usd, 0)::decimal(38, 2) as high_usd,
        coalesce(c.count_lines, 0)::bigint as count_lines,
        coalesce(c.count_contracts, 0)::bigint as count_contracts,
        coalesce(s.count_suppliers, 0)::bigint as count_suppliers
    from (
        select
            sum(total_usd) as total_usd,
            sum(high_usd) as high_usd,
            sum(count_lines) as count_lines,
            sum(count_contracts) as count_contracts
        from contract_blocks
    ) as c
    cross join (select sum(count_suppliers) as count_suppliers from supplier_blocks) as s
)

select * from final
