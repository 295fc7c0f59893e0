"""A resolved mapping applied to a frame: canonical-named columns out, raw text kept beside."""

from __future__ import annotations

import polars as pl

from transparency.ingest import dates, validate
from transparency.ingest.country_pair import country_pair
from transparency.ingest.mapping import Mapping
from transparency.ingest.text import clean_text

# Canonical columns whose raw text is kept beside the normalised value.
RAW_OF = {
    "supplier_country": "supplier_country_raw",
    "procurement_method": "procurement_method_raw",
    "category_code": "category_raw",
}


def apply_mapping(
    raw: pl.DataFrame, mapping: Mapping, source_file: str
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """Return the canonical-named frame, rejections found on the way, and heading labels."""
    found = [validate.empty_rejections()]
    exprs = [pl.col("source_row")]
    labels: dict[str, str] = {}

    def cell(heading: str) -> pl.Expr:
        text = clean_text(pl.col(heading))
        nothing = mapping.placeholders.get(heading)
        if nothing:
            text = pl.when(text.is_in(nothing)).then(None).otherwise(text)
        return text

    for name, heads in mapping.columns.items():
        labels[name] = " / ".join(heads)
        formats = [mapping.date_formats.get(h) for h in heads]
        if name == "award_date" and any(formats):
            # Each heading is read with its own stated format, then the first present wins.
            parsed = []
            for head, fmt in zip(heads, formats, strict=True):
                value = dates.parse_dates(cell(head), order=mapping.date_order, fmt=fmt)
                parsed.append(value)
                found.append(
                    validate.rejections_where(
                        raw,
                        cell(head).is_not_null() & value.is_null(),
                        file=source_file,
                        column=head,
                        value=pl.col(head),
                        reason=f"not a date (expected {fmt or 'an ISO date'})",
                    )
                )
            exprs.append(pl.coalesce(parsed).alias(name))
            continue
        raw_value = None
        if name == "supplier_country" and len(heads) > 1:
            # A code and a name column: a line where they disagree is shown, never settled
            # silently (see `country_pair`).
            value, raw_value = country_pair(raw, heads, cell, mapping.country_prefer)
        elif len(heads) > 1:
            value = pl.coalesce([cell(h) for h in heads])
        elif heads[0] in mapping.placeholders:
            value = cell(heads[0])
        else:
            # Trimming and empty-to-null happen once, in finish_lines.
            value = pl.col(heads[0]).cast(pl.String)
        table = mapping.values.get(name)
        raw_name = RAW_OF.get(name)
        if raw_name and raw_name not in mapping.columns:
            exprs.append((value if raw_value is None else raw_value).alias(raw_name))
        if table and name != "procurement_method":
            value = value.replace(table)
            value = pl.when(value.str.len_chars() > 0).then(value)
        exprs.append(value.alias(name))
    for name, constant in mapping.constants.items():
        if name not in mapping.columns:
            exprs.append(pl.lit(constant, dtype=pl.String).alias(name))
    frame = raw.select(exprs)
    return frame, pl.concat(found), labels
