-- defines: macro filtered_lines(...): the page lines that pass the filters, with risk_category (inherent or residual, as chosen)
-- grain: one row per contract line
-- params: none (macro arguments: the filter values in the order of filters.FILTER_ARGS, filled into {{filter_args}}; queries bind them)
create or replace macro filtered_lines(
    {{filter_args}}
) as table
with lines as (
    select
        *,
        case when risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category
    from page_lines
)
select * from lines
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
  and (min_usd is null or amount_usd >= min_usd::decimal(38, 2))
  and (search is null or search = ''
       or strpos(lower(concat_ws(' ', contract_id, line_id, supplier_id, supplier_name,
                                 description, buyer)), lower(search)) > 0)
