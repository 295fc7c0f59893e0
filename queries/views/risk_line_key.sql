-- defines: macro risk_line_key(...): the scoring key of a line, one per distinct combination of the columns risk depends on
-- grain: one value per contract line
-- params: none (macro arguments: a line's supplier_country, award_date, segment_code, family_code, category_scheme, category_raw, category_code)
-- The supplier is left out: its due diligence is joined separately. The award date enters
-- as its year (the TIP report) and its epoch: how many of the reference lists' change dates
-- (risk_settings.change_dates: a sector designated, a good removed) fall on or before it,
-- so lines on either side of a change score apart. Raw codes enter the key for every scheme
-- but UNSPSC; the category code for every scheme (rules match UNSPSC classes and
-- commodities). `risk_line_keys` is built and joined with this one expression, so scoring
-- runs once per key, not once per line.
create or replace macro risk_line_key(
    supplier_country, award_date, segment_code, family_code, category_scheme, category_raw,
    category_code
) as hash(
    supplier_country, year(award_date),
    len(list_filter((select change_dates from risk_settings), lambda d: d <= award_date)),
    segment_code, family_code,
    category_scheme,
    case when category_scheme <> 'UNSPSC' then category_raw end,
    category_code
)
