-- defines: macro filtered_rollup(...): the filtered selection as cells of lines_rollup (columns rollup.KEYS, risk_category, spend_usd, count_lines) when no line-level filter is set, else one row per filtered line in the same columns
-- grain: one row per cell (or per line with a line-level filter)
-- params: none (macro arguments: the filter values in the order of filters.FILTER_ARGS)
-- Bound values decide the branch when the query is planned, so the branch not taken
-- reads nothing.
create or replace macro filtered_rollup(
    {{filter_args}}
) as table
with cells as (
    select
        *,
        case when risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category
    from lines_rollup
    where min_usd is null and (search is null or search = '')
),

lines as (
    select
        {{keys}},
        risk_category,
        amount_usd as spend_usd,
        1::bigint as count_lines
    from filtered_lines({{filter_args}})
    where not (min_usd is null and (search is null or search = ''))
)

select * from cells
where (quarter_from is null or award_quarter >= quarter_from)
  and (quarter_to is null or award_quarter <= quarter_to)
  and (len(buyers::varchar[]) = 0 or list_contains(buyers::varchar[], buyer))
  and (len(categories::varchar[]) = 0 or list_contains(categories::varchar[], risk_category))
  and (len(countries::varchar[]) = 0
       or list_contains(countries::varchar[], coalesce(supplier_country, 'unknown')))
  and (len(regions::varchar[]) = 0
       or list_contains(regions::varchar[], coalesce(supplier_region, 'Unknown')))
  and (len(segments::varchar[]) = 0
       or list_contains(segments::varchar[], coalesce(segment_code, 'unknown')))
  and (len(methods::varchar[]) = 0
       or list_contains(methods::varchar[], coalesce(procurement_method, 'unknown')))
union all by name
select * from lines
