-- returns: total spend in USD, counts of contract lines, contracts and suppliers, and the batches they come from, for the reported quarter and its two comparison quarters
-- grain: one row per period with at least one contract line ('quarter', 'previous_quarter', 'year_earlier')
-- params: $q_from (date), $q_to (date), $prev_from (date), $prev_to (date), $year_from (date), $year_to (date)
-- Reads contract_lines, not scored_lines, so the reconciliation of every risk breakdown
-- against these totals also proves that scoring neither drops nor duplicates a line.
-- Each period runs from its first day up to, not including, its `_to` day.
with periods as (
    select
        case
            when award_date >= $q_from and award_date < $q_to then 'quarter'
            when award_date >= $prev_from and award_date < $prev_to then 'previous_quarter'
            when award_date >= $year_from and award_date < $year_to then 'year_earlier'
        end as period,
        contract_id,
        supplier_id,
        supplier_name,
        amount_usd,
        batch_id
    from contract_lines
    where (award_date >= $q_from and award_date < $q_to)
       or (award_date >= $prev_from and award_date < $prev_to)
       or (award_date >= $year_from and award_date < $year_to)
),

final as (
    select
        period,
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        count(*) as count_lines,
        count(distinct contract_id) as count_contracts,
        -- a supplier without an id is counted by name (as due diligence is recorded)
        count(distinct coalesce(supplier_id, supplier_name)) as count_suppliers,
        count(*) filter (where amount_usd is null) as count_lines_without_usd,
        list(distinct batch_id order by batch_id) as batch_ids
    from periods
    group by period
)

select * from final
order by period
