-- returns: one page of filtered contract lines for the Contracts table, sorted by an allowed column ($sort is one of award_date, amount_usd, supplier_name, risk, contract_id, country), with the key (batch_id, source_row) that opens the detail
-- grain: one row per contract line (at most $page_size rows)
-- params: $filters (the page filters), $sort (text), $descending (boolean), $page_size (integer), $page_offset (integer)
-- One branch per sort column and direction; bound values fold the branches not chosen away.
-- Over all lines (no filter), a column with many values first finds its values on the page
-- and above it (a top-N over that one column), then reads the lines with those values only
-- (an equality semi join, pushed into the scan as a filter) and sorts them in full with the
-- tie-breakers: the text tie-breakers and display columns are read for a few rows, not
-- every line. With a filter (fewer lines pass), and for risk and country (a handful of
-- values, each shared by millions of lines), the branch is a plain top-N sort.
with lines as not materialized (
    select
        batch_id,
        source_row,
        contract_id,
        line_id,
        award_date,
        buyer,
        supplier_name,
        coalesce(supplier_country_name, supplier_country, 'Unknown country') as country_name,
        description,
        coalesce(segment_title, 'Unclassified') as segment_title,
        procurement_method,
        amount,
        currency,
        amount_usd,
        risk_category,
        null::integer as risk_order,
        total_score
    from filtered_lines({{filters}})
),

-- Severity: a category without a score band (Not assessable) has none, so it comes last
-- in both directions (descending: Very high, High, Medium, Low, then Not assessable).
ranked as not materialized (
    select l.* replace (
        case when rc.min_score is null then null else rc.sort_order end as risk_order
    )
    from lines as l
    left join risk_categories as rc on rc.category = l.risk_category
),

final as (
    select * from (
        select l.* from lines as l
        semi join (
            select distinct award_date from (
                select award_date from lines
                where $sort = 'award_date' and not $descending and no_filter({{filters}})
                order by award_date asc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.award_date is not distinct from v.award_date
        where $sort = 'award_date' and not $descending and no_filter({{filters}})
        order by award_date asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'award_date' and not $descending and not no_filter({{filters}})
        order by award_date asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct award_date from (
                select award_date from lines
                where $sort = 'award_date' and $descending and no_filter({{filters}})
                order by award_date desc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.award_date is not distinct from v.award_date
        where $sort = 'award_date' and $descending and no_filter({{filters}})
        order by award_date desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'award_date' and $descending and not no_filter({{filters}})
        order by award_date desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct amount_usd from (
                select amount_usd from lines
                where $sort = 'amount_usd' and not $descending and no_filter({{filters}})
                order by amount_usd asc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.amount_usd is not distinct from v.amount_usd
        where $sort = 'amount_usd' and not $descending and no_filter({{filters}})
        order by amount_usd asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'amount_usd' and not $descending and not no_filter({{filters}})
        order by amount_usd asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct amount_usd from (
                select amount_usd from lines
                where $sort = 'amount_usd' and $descending and no_filter({{filters}})
                order by amount_usd desc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.amount_usd is not distinct from v.amount_usd
        where $sort = 'amount_usd' and $descending and no_filter({{filters}})
        order by amount_usd desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'amount_usd' and $descending and not no_filter({{filters}})
        order by amount_usd desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct supplier_name from (
                select supplier_name from lines
                where $sort = 'supplier_name' and not $descending and no_filter({{filters}})
                order by supplier_name asc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.supplier_name is not distinct from v.supplier_name
        where $sort = 'supplier_name' and not $descending and no_filter({{filters}})
        order by supplier_name asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'supplier_name' and not $descending and not no_filter({{filters}})
        order by supplier_name asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct supplier_name from (
                select supplier_name from lines
                where $sort = 'supplier_name' and $descending and no_filter({{filters}})
                order by supplier_name desc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.supplier_name is not distinct from v.supplier_name
        where $sort = 'supplier_name' and $descending and no_filter({{filters}})
        order by supplier_name desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'supplier_name' and $descending and not no_filter({{filters}})
        order by supplier_name desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from ranked
        where $sort = 'risk' and not $descending
        order by risk_order asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from ranked
        where $sort = 'risk' and $descending
        order by risk_order desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct contract_id from (
                select contract_id from lines
                where $sort = 'contract_id' and not $descending and no_filter({{filters}})
                order by contract_id asc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.contract_id is not distinct from v.contract_id
        where $sort = 'contract_id' and not $descending and no_filter({{filters}})
        order by contract_id asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'contract_id' and not $descending and not no_filter({{filters}})
        order by contract_id asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select l.* from lines as l
        semi join (
            select distinct contract_id from (
                select contract_id from lines
                where $sort = 'contract_id' and $descending and no_filter({{filters}})
                order by contract_id desc nulls last
                limit $page_offset + $page_size
            )
        ) as v on l.contract_id is not distinct from v.contract_id
        where $sort = 'contract_id' and $descending and no_filter({{filters}})
        order by contract_id desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'contract_id' and $descending and not no_filter({{filters}})
        order by contract_id desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'country' and not $descending
        order by country_name asc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    select * from (
        select * from lines
        where $sort = 'country' and $descending
        order by country_name desc nulls last, contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
    union all
    -- Not an allowed column: the tie-breakers alone order the rows.
    select * from (
        select * from lines
        where not coalesce(
            $sort in ('award_date', 'amount_usd', 'supplier_name', 'risk', 'contract_id', 'country')
            and $descending is not null,
            false
        )
        order by contract_id, line_id, batch_id, source_row
        limit $page_size offset $page_offset
    )
)

-- The chosen branch's page, in its order (each sort column is its own pair of terms so the
-- choice stays a bound value, never SQL text).
select * exclude (risk_order) from final
order by
    case when $sort = 'award_date' and not $descending then award_date end asc,
    case when $sort = 'award_date' and $descending then award_date end desc,
    case when $sort = 'amount_usd' and not $descending then amount_usd end asc,
    case when $sort = 'amount_usd' and $descending then amount_usd end desc,
    case when $sort = 'supplier_name' and not $descending then supplier_name end asc,
    case when $sort = 'supplier_name' and $descending then supplier_name end desc,
    case when $sort = 'risk' and not $descending then risk_order end asc,
    case when $sort = 'risk' and $descending then risk_order end desc,
    case when $sort = 'contract_id' and not $descending then contract_id end asc,
    case when $sort = 'contract_id' and $descending then contract_id end desc,
    case when $sort = 'country' and not $descending then country_name end asc,
    case when $sort = 'country' and $descending then country_name end desc,
    contract_id,
    line_id,
    batch_id,
    source_row
