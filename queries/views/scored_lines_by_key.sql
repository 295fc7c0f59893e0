-- defines: view {{view}} (scored_lines, or scored_lines_joined_raw for the page cache build): every contract_lines column plus the risk columns, joined per line by scoring key and supplier
-- grain: one row per contract line
-- params: none
-- The same columns as scored_lines_by_position (tested equal); joins by key to small tables,
-- so it runs on every thread. A line whose key was not scored (a batch that landed after
-- install) is marked 'Not scored: reconnect to score new batches'.
create or replace view {{view}} as
with final as (
    select
        l.*,
        k.country_tier,
        k.tip_year,
        k.country_score,
        k.country_source,
        k.sector_score,
        k.sector_source,
        k.is_listed_pair,
        k.listed_goods,
        k.total_score,
        coalesce(k.inherent_category, 'Not assessable') as inherent_category,
        coalesce(
            case coalesce(dn.reduction, 0)
                when 0 then k.inherent_category
                when 1 then k.residual_1
                when 2 then k.residual_2
                else k.residual_3
            end,
            'Not assessable'
        ) as residual_category,
        case when k.line_key is null then 'Not scored: reconnect to score new batches'
             else k.not_assessable_reason end as not_assessable_reason,
        dn.diligence_steps,
        k.risk_drivers,
        k.supplier_region,
        k.supplier_subregion,
        k.supplier_country_name,
        fiscal_quarter(l.award_date, (select fiscal_year_start from period_settings)) as award_quarter
    from contract_lines l
    left join risk_line_keys k on k.line_key = risk_line_key(
        l.supplier_country, l.award_date, l.segment_code, l.family_code, l.category_scheme,
        l.category_raw, l.category_code
    )
    left join risk_diligence_now dn
        on dn.diligence_key = coalesce(l.supplier_id, l.supplier_name)
)
select * from final
