-- returns: total spend in USD, counts of contract lines, contracts and suppliers, and the batches they come from, for contract lines awarded in the period
-- grain: one row for the period
-- params: $date_from (date), $date_to (date)
-- Reads contract_lines, not scored_lines, so the reconciliation of every risk breakdown
-- against this total also proves the risk joins neither drop nor duplicate a line.
with period as (
    select *
    from contract_lines
    where award_date >= $date_from and award_date < $date_to
),

final as (
    select
        coalesce(sum(amount_usd), 0)::decimal(38, 2) as spend_usd,
        count(*) as count_lines,
        count(distinct contract_id) as count_contracts,
        -- a supplier without an id is counted by name
        count(distinct coalesce(supplier_id, 'name:' || supplier_name)) as count_suppliers,
        count(*) filter (where amount_usd is null) as count_lines_without_usd,
        coalesce(list(distinct batch_id order by batch_id), []) as batch_ids
    from period
)

select * from final
