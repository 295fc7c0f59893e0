-- defines: table risk_lists: the risk columns of risk_line_keys as lists indexed by key_id (1-based, dense; nulls kept so positions hold), plus the category names and the diligence texts
-- grain: one row
-- params: none
-- Text columns are cast to the ENUM types of risk_enum_types, whole numbers to small integers.
create or replace table risk_lists as
select
    (select list(category::risk_enum_category order by sort_order) from risk_categories)
        as category_names,
    (select list(diligence_steps::risk_enum_diligence order by diligence_ix)
     from risk_diligence_now) as diligence_steps,
    list(country_tier::risk_enum_country_tier order by key_id) as country_tier,
    list(country_source::risk_enum_country_source order by key_id) as country_source,
    list(sector_source::risk_enum_sector_source order by key_id) as sector_source,
    list(listed_goods::risk_enum_listed_goods order by key_id) as listed_goods,
    list(not_assessable_reason::risk_enum_not_assessable_reason order by key_id) as not_assessable_reason,
    list(risk_drivers::risk_enum_risk_drivers order by key_id) as risk_drivers,
    list(supplier_region::risk_enum_supplier_region order by key_id) as supplier_region,
    list(supplier_subregion::risk_enum_supplier_subregion order by key_id) as supplier_subregion,
    list(supplier_country_name::risk_enum_supplier_country_name order by key_id) as supplier_country_name,
    list(tip_year::usmallint order by key_id) as tip_year,
    list(country_score::utinyint order by key_id) as country_score,
    list(sector_score::utinyint order by key_id) as sector_score,
    list(total_score::utinyint order by key_id) as total_score,
    list(is_listed_pair::boolean order by key_id) as is_listed_pair
from risk_line_keys
