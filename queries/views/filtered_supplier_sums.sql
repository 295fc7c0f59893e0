-- defines: macro filtered_supplier_sums(...): spend and lines per supplier and risk category of the filtered selection (columns supplier_ix, risk_category, spend_usd, count_lines): from supplier_cells when no unit, sector, method or line-level filter is set, else from the filtered lines
-- grain: one row per supplier and risk category
-- params: none (macro arguments: the filter values in the order of filters.FILTER_ARGS)
create or replace macro filtered_supplier_sums(
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
    from supplier_cells
    where min_usd is null and (search is null or search = '')
      and len(buyers::varchar[]) = 0 and len(segments::varchar[]) = 0
      and len(methods::varchar[]) = 0
),

small_cells as (
    select supplier_ix, risk_category, sum(spend_usd) as spend_usd,
        sum(count_lines)::bigint as count_lines
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
    group by all
),

other as (
    select supplier_ix, risk_category, sum(amount_usd) as spend_usd,
        count(*) as count_lines
    from filtered_lines({{filter_args}})
    where not (min_usd is null and (search is null or search = '')
      and len(buyers::varchar[]) = 0 and len(segments::varchar[]) = 0
      and len(methods::varchar[]) = 0)
    group by all
)

select * from small_cells
union all by name
select * from other
