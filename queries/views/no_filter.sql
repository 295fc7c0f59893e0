-- defines: macro no_filter(...): true when no filter is set (the risk basis alone restricts nothing)
-- grain: one value per call
-- params: none (macro arguments: the filter values of filters.FILTER_ARGS; risk_basis restricts nothing)
-- A scalar macro is expanded where it is called, so over bound values it folds to a
-- constant when the query is planned, as the predicate written out would.
create or replace macro no_filter({{filter_args}}) as (
    quarter_from is null and quarter_to is null and len(buyers::varchar[]) = 0
    and len(categories::varchar[]) = 0 and len(countries::varchar[]) = 0
    and len(regions::varchar[]) = 0 and len(segments::varchar[]) = 0
    and len(methods::varchar[]) = 0 and min_usd is null
    and (search is null or search = '')
)
