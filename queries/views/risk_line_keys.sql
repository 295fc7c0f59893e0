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
        category_scheme ilike 'cpv%' as _is_cpv,
        case when category_scheme ilike 'cpv%' then category_raw end as category_raw,
        case when category_scheme ilike 'cpv%' then category_code end as category_code,
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
        case when k._cpv is not null then 'CPV:' || substr(k._cpv, 1, 4)
             else k.family_code end as _key4
    from keyed k
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
            greatest(st.sector_default, coalesce(s2.sector_score, 0),
                     coalesce(s4.sector_score, 0))
        end as sector_score,
        case when l._key2 is not null then
            case when l._cpv is not null then 'CPV ' || substr(l._cpv, 1, 4)
                 else 'UNSPSC ' || coalesce(l.family_code || ' ' || l.family_title,
                                            l.segment_code || ' ' || l.segment_title) end
            || ': ' || coalesce(nullif(concat_ws('; ', s4.sector_flags, s2.sector_flags), ''),
                                'no high-risk sector flag')
        end as sector_source,
        greatest(coalesce(p2.pair_score, 0), coalesce(p4.pair_score, 0)) as pair_score,
        nullif(concat_ws(', ', p4.listed_goods, p2.listed_goods), '') as listed_goods,
        nullif(concat_ws('; ', p4.listed_text, p2.listed_text), '') as listed_text,
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
    left join risk_sector_keys s2 on s2.sector_key = l._key2
    left join risk_sector_keys s4 on s4.sector_key = l._key4
    left join risk_listed_pairs p2
        on p2.iso3 = l.supplier_country and p2.sector_key = l._key2
    left join risk_listed_pairs p4
        on p4.iso3 = l.supplier_country and p4.sector_key = l._key4
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
