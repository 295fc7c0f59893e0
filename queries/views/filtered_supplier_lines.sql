-- defines: macro filtered_supplier_lines(...): the filtered lines in the columns of supplier_lines plus risk_category: from that table (stored in supplier-key order) unless a search text is set (it needs the description), then from filtered_lines
-- grain: one row per contract line
-- params: none (macro arguments: the filter values in the order of filters.FILTER_ARGS)
-- A semi join on a few supplier keys then reads only their row groups.
create or replace macro filtered_supplier_lines(
    {{filter_args}}
) as table
with stored as (
    select *, case when risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category
    from supplier_lines
    where (search is null or search = '')
),

stored_lines as (
    select * from stored
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
),

searched as (
    select {{columns}}, risk_category
    from filtered_lines({{filter_args}})
    where not (search is null or search = '')
)

select * from stored_lines
union all by name
select * from searched
