-- returns: distinct contracts and suppliers and the batches the lines come from, for the reported quarter and its two comparison quarters, from the page tables' keyed lines and supplier cells (transparency/rollup.py)
-- grain: one row per period with at least one scored line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date), $quarter (text), $previous (text), $year_earlier (text)
-- The page-cache form of the counts of figures_totals_by_period, for calendar quarters
-- (the supplier cells are per `award_quarter`). Exact, over dense whole-number keys: a
-- contract is counted as a bit over its `contract_key` in blocks of 2^20 keys (one bitmap
-- per block and period, the count is the bits set; no hash table of millions of ids), a
-- supplier (id, or name without one, as `page_supplier_keys` numbers them) as a distinct
-- `supplier_ix` over its cells. Lines without a contract id or supplier count for neither,
-- as count(distinct) skips nulls.
with lines as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix,
        contract_key,
        batch_id
    from page_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

contract_blocks as (
    select
        period_ix,
        bit_count(bitstring_agg((contract_key % 1048576)::integer, 0, 1048575)) as keys
    from lines
    where contract_key is not null
    group by period_ix, contract_key // 1048576
),

contracts as (
    select period_ix, sum(keys)::bigint as count_contracts
    from contract_blocks
    group by period_ix
),

batches as (
    select period_ix, list(batch_id order by batch_id) as batch_ids
    from (select distinct period_ix, batch_id from lines)
    group by period_ix
),

suppliers as (
    select
        case award_quarter when $quarter then 0 when $previous then 1 else 2 end as period_ix,
        count(distinct supplier_ix) as count_suppliers
    from supplier_cells
    where award_quarter in ($quarter, $previous, $year_earlier)
    group by all
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][b.period_ix + 1] as period,
        coalesce(c.count_contracts, 0)::bigint as count_contracts,
        coalesce(s.count_suppliers, 0)::bigint as count_suppliers,
        b.batch_ids
    from batches as b
    left join contracts as c on c.period_ix = b.period_ix
    left join suppliers as s on s.period_ix = b.period_ix
)

select * from final
order by period
