-- defines: table risk_line_keys: the risk of each distinct line key (country, sector, listed-pair scores, inherent category, the residual category for each possible reduction, the drivers)
-- grain: one row per distinct risk_line_key of contract_lines
-- params: none
-- Values (scores, bands) come only from the joined model tables, never from this text.
create or replace table risk_line_keys as
with distinct_keys as (
    select
        risk_line_key(
            supplier_country, award_date, segment_code, family_code, category_scheme,
            category_raw, category_code
        ) as line_key,
        supplier_country,
        year(award_date) as _award_year,
        -- Every award date of a key lies between the same two change dates, so any one
        -- of them decides which dated rules apply.
        min(award_date) as _award_date,
        category_scheme ilike 'cpv%' as _is_cpv,
        case when category_scheme ilike 'cpv%' then category_raw end as category_raw,
        category_code,
        segment_code,
        family_code,
        any_value(segment_title) as segment_title,
        any_value(family_title) as family_title
    from contract_lines
    group by all
),
keyed as (
    select
        k.*,
        -- CPV lines: the 8-digit CPV code from the raw value (an importer may have put a
        -- UNSPSC segment mapped from it into category_code) or from category_code.
        case when k._is_cpv then
            coalesce(
                nullif(regexp_extract(coalesce(k.category_raw, ''), '([0-9]{8})', 1), ''),
                nullif(regexp_extract(coalesce(k.category_code, ''), '([0-9]{8})', 1), '')
            )
        end as _cpv
    from distinct_keys k
),
lines as (
    select
        k.*,
        case when k._cpv is not null then 'CPV:' || substr(k._cpv, 1, 2)
             else k.segment_code end as _key2,
        -- Other lines: the UNSPSC code (2 to 8 digits, under the line's segment; a code of
        -- a newer edition counts through its nearest parent the rules know), else the
        -- family or segment.
        case when k._cpv is null then
            case when regexp_full_match(coalesce(k.category_code, ''), '[0-9]{2}([0-9]{2}){0,3}')
                      and starts_with(k.category_code, k.segment_code)
                 then k.category_code
                 else coalesce(k.family_code, k.segment_code) end
        end as _ucode
    from keyed k
),
prefixes as (
    -- Every code a rule may name for the line: the CPV prefixes of 2 to 8 digits, or the
    -- UNSPSC segment, family, class and commodity.
    select l.line_key, l.supplier_country, l._award_date, unnest(
        case when l._cpv is not null
             then list_transform(range(2, 9), lambda n: 'CPV:' || substr(l._cpv, 1, n))
             else list_transform(
                 list_filter([2, 4, 6, 8], lambda n: n <= length(l._ucode)),
                 lambda n: substr(l._ucode, 1, n))
        end
    ) as sector_key
    from lines l
    where l._key2 is not null
),
sector_flags as (
    select distinct p.line_key, s.sector_score, s.sector_flag
    from prefixes p
    join risk_sector_keys s
        on s.sector_key = p.sector_key
       and (s.valid_from is null or s.valid_from <= p._award_date)
       and (s.valid_to is null or p._award_date < s.valid_to)
),
sector_hits as (
    select
        line_key,
        max(sector_score) as sector_score,
        string_agg(sector_flag, '; ' order by sector_score desc, sector_flag) as sector_flags
    from sector_flags
    group by line_key
),
pair_rows as (
    select distinct p.line_key, lp.pair_score, lp.good, lp.listed_text
    from prefixes p
    join risk_listed_pairs lp
        on lp.sector_key = p.sector_key
       and lp.iso3 = p.supplier_country
       and (lp.valid_from is null or lp.valid_from <= p._award_date)
       and (lp.valid_to is null or p._award_date < lp.valid_to)
),
pair_hits as (
    select
        line_key,
        max(pair_score) as pair_score,
        string_agg(distinct good, ', ' order by good) as listed_goods,
        string_agg(distinct listed_text, '; ' order by listed_text) as listed_text
    from pair_rows
    group by line_key
),
joined as (
    select
        l.line_key,
        cy.tier as country_tier,
        cy.tip_year,
        cy.country_score,
        cy.country_source,
        cy.country_driver,
        case when l._key2 is not null then
            greatest(st.sector_default, coalesce(sh.sector_score, 0))
        end as sector_score,
        case when l._key2 is not null then
            case when l._cpv is not null then 'CPV ' || l._cpv
                 else 'UNSPSC ' || coalesce(l.family_code || ' ' || l.family_title,
                                            l.segment_code || ' ' || l.segment_title) end
            || ': ' || coalesce(sh.sector_flags, 'no high-risk sector flag')
        end as sector_source,
        coalesce(ph.pair_score, 0) as pair_score,
        ph.listed_goods,
        ph.listed_text,
        rc.name as supplier_country_name,
        rc.region as supplier_region,
        rc.subregion as supplier_subregion,
        case
            when l.supplier_country is null then 'Supplier country unknown'
            when l._key2 is null then 'Category unknown'
            when cy.iso3 is null then 'Country has no TIP placement'
        end as not_assessable_reason
    from lines l
    cross join risk_settings st
    left join risk_country_year cy
        on cy.iso3 = l.supplier_country
       and cy.award_year = least(greatest(l._award_year, 1900), 2199)
    left join sector_hits sh on sh.line_key = l.line_key
    left join pair_hits ph on ph.line_key = l.line_key
    left join risk_countries rc on rc.iso3 = l.supplier_country
),
scored as (
    select
        j.*,
        cb.total_score,
        cb.inherent_order
    from joined j
    left join risk_combination cb
        on j.not_assessable_reason is null
       and cb.country_score = j.country_score
       and cb.sector_score = j.sector_score
       and cb.pair_score = j.pair_score
),
final as (
    select
        s.* exclude (pair_score, listed_text, country_driver),
        s.pair_score > 0 and s.not_assessable_reason is null as is_listed_pair,
        coalesce(ci.category, 'Not assessable') as inherent_category,
        -- The residual category for each possible due-diligence reduction (0-3 bands).
        coalesce(r1.category, 'Not assessable') as residual_1,
        coalesce(r2.category, 'Not assessable') as residual_2,
        coalesce(r3.category, 'Not assessable') as residual_3,
        concat_ws('; ', s.not_assessable_reason, s.country_driver, s.sector_source,
                  s.listed_text) as risk_drivers,
        cast(row_number() over (order by s.line_key) as uinteger) as key_id
    from scored s
    left join risk_categories ci on ci.sort_order = s.inherent_order
    left join risk_categories r1
        on s.inherent_order is not null and r1.sort_order = greatest(1, s.inherent_order - 1)
    left join risk_categories r2
        on s.inherent_order is not null and r2.sort_order = greatest(1, s.inherent_order - 2)
    left join risk_categories r3
        on s.inherent_order is not null and r3.sort_order = greatest(1, s.inherent_order - 3)
)
select * from final
