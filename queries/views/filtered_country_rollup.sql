-- defines: macro filtered_country_rollup(...): the filtered selection at the grain of rollup.COUNTRY_KEYS (columns those keys, risk_category, spend_usd, count_lines): from the small lines_rollup_country when no unit, sector, method or line-level filter is set, else from filtered_rollup
-- grain: one row per cell
-- params: none (macro arguments: the filter values in the order of filters.FILTER_ARGS)
-- As in filtered_rollup, bound values decide the branch and the branch not taken reads
-- nothing. The small table lacks buyer, segment_code and procurement_method: they are null
-- there, and their filters are empty whenever it is read.
create or replace macro filtered_country_rollup(
    {{filter_args}}
) as table
with small as (
    select
        *,
        null::varchar as buyer,
        null::varchar as segment_code,
        null::varchar as procurement_method,
        case when risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category
    from lines_rollup_country
    where min_usd is null and (search is null or search = '')
      and len(buyers::varchar[]) = 0 and len(segments::varchar[]) = 0
      and len(methods::varchar[]) = 0
),

small_cells as (
    select {{keys}}, risk_category, spend_usd, count_lines
    from small
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
),

other as (
    select {{keys}}, risk_category, spend_usd, count_lines
    from filtered_rollup({{filter_args}})
    where not (min_usd is null and (search is null or search = '')
      and len(buyers::varchar[]) = 0 and len(segments::varchar[]) = 0
      and len(methods::varchar[]) = 0)
)

select * from small_cells
union all by name
select * from other
