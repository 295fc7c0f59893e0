-- returns: total spend in USD, counts of contract lines, contracts and suppliers, and the batches they come from, for the reported quarter and its two comparison quarters
-- grain: one row per period with at least one contract line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- Reads contract_lines, not scored_lines, so the reconciliation of every risk breakdown
-- against these totals also proves that scoring neither drops nor duplicates a line.
-- Each period runs from its first day up to, not including, its `_to` day. Periods are
-- grouped by number (cheaper than text at 10M lines) and named at the end; amounts are
-- summed as DECIMAL(18, 2) as in figures_spend_by_combination.
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 0
            when award_date >= $prev_from and award_date < $prev_to then 1
            when award_date >= $year_from and award_date < $year_to then 2
        end as period_ix,
        contract_id,
        supplier_id,
        supplier_name,
        amount_usd::decimal(18, 2) as amount_usd,
        batch_id
    from contract_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

totals as (
    select
        period_ix,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        count(*) as count_lines,
        count(distinct contract_id) as count_contracts,
        -- a supplier without an id is counted by name (as due diligence is recorded)
        count(distinct coalesce(supplier_id, supplier_name)) as count_suppliers,
        count(*) filter (where amount_usd is null) as count_lines_without_usd,
        list(distinct batch_id order by batch_id) as batch_ids
    from periods
    group by period_ix
),

final as (
    select
        ['quarter', 'previous_quarter', 'year_earlier'][period_ix + 1] as period,
        spend_usd,
        count_lines,
        count_contracts,
        count_suppliers,
        count_lines_without_usd,
        batch_ids
    from totals
)

select * from final
order by period
