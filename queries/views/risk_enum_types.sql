-- defines: types risk_enum_*: one ENUM type per text column of risk_lines, its values read from risk_line_keys, risk_categories and risk_diligence_now
-- grain: one type per risk text column (a value per distinct text)
-- params: none
-- Stored as ENUMs, each line's text costs one to four bytes (the distinct values are few).
-- Drop risk_lines and risk_lists first: a type in use cannot be dropped.
drop type if exists risk_enum_country_tier;
create type risk_enum_country_tier as enum (
    select distinct country_tier from risk_line_keys where country_tier is not null order by 1
);
drop type if exists risk_enum_country_source;
create type risk_enum_country_source as enum (
    select distinct country_source from risk_line_keys where country_source is not null order by 1
);
drop type if exists risk_enum_sector_source;
create type risk_enum_sector_source as enum (
    select distinct sector_source from risk_line_keys where sector_source is not null order by 1
);
drop type if exists risk_enum_listed_goods;
create type risk_enum_listed_goods as enum (
    select distinct listed_goods from risk_line_keys where listed_goods is not null order by 1
);
drop type if exists risk_enum_not_assessable_reason;
create type risk_enum_not_assessable_reason as enum (
    select distinct not_assessable_reason from risk_line_keys where not_assessable_reason is not null order by 1
);
drop type if exists risk_enum_risk_drivers;
create type risk_enum_risk_drivers as enum (
    select distinct risk_drivers from risk_line_keys where risk_drivers is not null order by 1
);
drop type if exists risk_enum_supplier_region;
create type risk_enum_supplier_region as enum (
    select distinct supplier_region from risk_line_keys where supplier_region is not null order by 1
);
drop type if exists risk_enum_supplier_subregion;
create type risk_enum_supplier_subregion as enum (
    select distinct supplier_subregion from risk_line_keys where supplier_subregion is not null order by 1
);
drop type if exists risk_enum_supplier_country_name;
create type risk_enum_supplier_country_name as enum (
    select distinct supplier_country_name from risk_line_keys where supplier_country_name is not null order by 1
);
drop type if exists risk_enum_category;
create type risk_enum_category as enum (
    select category from risk_categories order by sort_order
);
drop type if exists risk_enum_diligence;
create type risk_enum_diligence as enum (
    select distinct diligence_steps from risk_diligence_now where diligence_steps is not null
    order by 1
);
