"""Column mapping: which heading in an export holds which canonical column.

Headings are matched without configuration through `SYNONYMS` (case, accents,
punctuation and spacing ignored: "PO No.", "po_no" and "P.O. No" are the same key).
A TOML mapping file states anything the synonyms cannot: see `Mapping` and the README.

>>> heading_key("Contract No.")
'contract no'
>>> resolve(["PO Number", "Vendor Name", "PO Date", "Total Price", "Currency"]).columns
{'contract_id': ['PO Number'], 'supplier_name': ['Vendor Name'], 'award_date': ['PO Date'], \
'amount': ['Total Price'], 'currency': ['Currency']}
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from transparency import schema
from transparency.ingest.mapping_file import SECTIONS, MappingError, check_types
from transparency.ingest.synonyms import SYNONYMS, WEAK_SYNONYMS

# Headings that may name a country without saying whose: never taken as the supplier's.
BARE_COUNTRY = ("Country", "Country Name", "Country Code", "Ctry")

# Columns a mapping may name besides the canonical ones.
EXTRA_FIELDS = ("amount_usd",)


def heading_key(heading: str) -> str:
    """Return the matching key of a heading: lower case, no accents or punctuation."""
    text = unicodedata.normalize("NFKD", heading)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^0-9a-z]+", " ", text.replace("#", " ")).strip()
    # Initialisms written with dots: "P.O. No" -> "po no".
    return re.sub(r"\b([a-z])(?: ([a-z])\b)+", lambda m: m.group(0).replace(" ", ""), text)


def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, headings in SYNONYMS.items():
        for heading in (*headings, canonical):
            index[heading_key(heading)] = canonical
    for canonical in schema.COLUMNS:
        index.setdefault(heading_key(canonical), canonical)
    return index


SYNONYM_INDEX = _synonym_index()
WEAK_INDEX = {heading_key(h): c for c, heads in WEAK_SYNONYMS.items() for h in heads}


@dataclass
class Mapping:
    """What a TOML mapping file says; every part is optional.

    ```toml
    [columns]                      # canonical column = heading, or headings tried in order
    contract_id = "PO / SO #"
    award_date = ["PO Sent to Vendor Date", "Scheduled Delivery Date"]
    supplier_country = "Manufacturing Site"

    [ignore]                       # headings never mapped, even if they look like a synonym
    columns = ["Country"]

    [constants]                    # a value for every row when the export has no column
    currency = "USD"

    [csv]                          # override detection
    delimiter = ";"
    encoding = "cp1252"
    decimal = ","
    thousands = "."

    [excel]
    sheet = "PO lines"             # default: the first sheet

    [headings]
    row = 3                        # the headings are on row 3; 0: no heading row (then
                                   # columns are named "column 1", "column 2"...)

    [dates]
    order = "dmy"                  # or "mdy": how to read 03/04/2024 in every date column
    [dates.formats]                # or an exact strftime format per heading
    "PO Sent to Vendor Date" = "%m/%d/%y"

    [countries]                    # a code and a name column disagree: which wins
    prefer = "code"                # or "name"; default: the line's country is unknown

    [suppliers]                    # names that mean "withheld": kept, undisclosed
    undisclosed = ["Name suppressed"]

    [placeholders]                 # texts that mean "no value" in a heading
    "PO Sent to Vendor Date" = ["N/A - From RDC", "Date Not Captured"]

    [values.supplier_country]      # explicit raw value -> value for one canonical column
    "Aurobindo Unit III, India" = "IND"
    ```
    """

    columns: dict[str, list[str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    csv: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str | None = None
    heading_row: int | None = None
    undisclosed: list[str] = field(default_factory=list)
    country_prefer: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        """Read a TOML mapping file; raise `MappingError` naming what is wrong in it."""
        path = Path(path)
        try:
            # utf-8-sig: a file saved by Notepad starts with a byte-order mark
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise MappingError(
                f"mapping file {path}: is not UTF-8 text (byte {exc.start}); save it as UTF-8."
            ) from exc
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"mapping file {path}: {exc}") from exc
        check_types(data, str(path))
        known = set(SECTIONS)
        unknown = sorted(set(data) - known)
        if unknown:
            raise MappingError(
                f"mapping file {path}: unknown section(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}."
            )
        fields = set(schema.COLUMNS) | set(EXTRA_FIELDS)
        columns = {}
        for name, value in data.get("columns", {}).items():
            if name not in fields:
                raise MappingError(
                    f"mapping file {path}: [columns] {name!r} is not a canonical column; "
                    f"use one of {', '.join(sorted(fields))}."
                )
            columns[name] = [value] if isinstance(value, str) else list(value)
        for name in data.get("constants", {}):
            if name not in fields:
                raise MappingError(f"mapping file {path}: [constants] {name!r} is not a column.")
        dates = data.get("dates", {})
        order = dates.get("order")
        if order not in (None, "dmy", "mdy"):
            raise MappingError(f"mapping file {path}: [dates] order must be 'dmy' or 'mdy'.")
        prefer = data.get("countries", {}).get("prefer")
        if prefer not in (None, "code", "name"):
            raise MappingError(f"mapping file {path}: [countries] prefer must be 'code' or 'name'.")
        placeholders = {
            k: [v] if isinstance(v, str) else list(v)
            for k, v in data.get("placeholders", {}).items()
        }
        return cls(
            columns=columns,
            ignore=list(data.get("ignore", {}).get("columns", [])),
            constants={k: str(v) for k, v in data.get("constants", {}).items()},
            csv={k: str(v) for k, v in {**data.get("csv", {}), **data.get("excel", {})}.items()},
            date_order=order,
            date_formats=dict(dates.get("formats", {})),
            placeholders=placeholders,
            values={
                k: {str(a): str(b) for a, b in v.items()} for k, v in data.get("values", {}).items()
            },
            source=str(path),
            heading_row=data.get("headings", {}).get("row"),
            country_prefer=prefer,
            undisclosed=_texts(data.get("suppliers", {}).get("undisclosed", [])),
        )


def _texts(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def resolve(headings: list[str], mapping: Mapping | None = None, *, file: str = "") -> Mapping:
    """Return `mapping` completed with the columns recognised from `headings`.

    Raises `MappingError` when a required column is missing, when two headings could
    be the same column, when a mapping names a heading the file does not have, or when
    a bare `Country` heading is the only candidate for the supplier's country.
    """
    mapping = mapping or Mapping()
    constants = dict(mapping.constants)  # the caller's mapping is not changed
    where = f"{file}: " if file else ""
    present = set(headings)
    for name, wanted in mapping.columns.items():
        missing = [h for h in wanted if h not in present]
        if missing:
            raise MappingError(
                f"{where}the mapping file names heading(s) {', '.join(map(repr, missing))} for "
                f"{name}, but the file has no such heading. "
                f"Found: {', '.join(map(repr, headings))}."
            )
    taken = {h for hs in mapping.columns.values() for h in hs} | set(mapping.ignore)
    found: dict[str, list[str]] = {}
    for heading in headings:
        if heading in taken:
            continue
        canonical = SYNONYM_INDEX.get(heading_key(heading))
        if canonical and canonical not in mapping.columns and canonical not in constants:
            found.setdefault(canonical, []).append(heading)
    weak: dict[str, list[str]] = {}
    for heading in headings:
        canonical = WEAK_INDEX.get(heading_key(heading))
        if canonical and heading not in taken and canonical not in mapping.columns:
            weak.setdefault(canonical, []).append(heading)
    for canonical, heads in weak.items():
        if canonical not in found and canonical not in constants and len(heads) == 1:
            found[canonical] = heads
    clashes = {k: v for k, v in found.items() if len(v) > 1}
    if clashes:
        lines = "; ".join(f"{k} could be {' or '.join(map(repr, v))}" for k, v in clashes.items())
        first = next(iter(clashes))
        raise MappingError(
            f"{where}two or more columns could be the same field: {lines}. Name the right "
            f"one in a mapping file, e.g. [columns] {first} = {clashes[first][0]!r}, and list "
            f"the others under [ignore] columns."
        )
    columns = {**mapping.columns, **{k: v for k, v in found.items()}}
    # An export with only a USD amount: that is the amount, in USD.
    if "amount" not in columns and "amount" not in constants and "amount_usd" in columns:
        columns["amount"] = columns.pop("amount_usd")
        if "currency" not in columns and "currency" not in constants:
            constants["currency"] = "USD"
    needed = [*schema.REQUIRED, "currency"]
    missing = [c for c in needed if c not in columns and c not in constants]
    if missing:
        hint = {
            "currency": ' (or [constants] currency = "USD" if every amount is in one currency)',
        }
        details = "; ".join(
            f"{c} (headings recognised: {', '.join(SYNONYMS.get(c, (c,))[:6])}...){hint.get(c, '')}"
            for c in missing
        )
        raise MappingError(
            f"{where}cannot find the column(s) it needs: {details}. Found headings: "
            f"{', '.join(map(repr, headings))}. Name them in a mapping file (--mapping FILE), "
            f'e.g. [columns] {missing[0]} = "<heading in your file>".'
        )
    bare = [
        h
        for h in headings
        if heading_key(h) in {heading_key(b) for b in BARE_COUNTRY} and h not in taken
    ]
    if bare and "supplier_country" not in columns and "supplier_country" not in constants:
        raise MappingError(
            f"{where}the file has a column {bare[0]!r} but it is not clear whose country it is "
            f"(the supplier's, the buyer's or the destination). It is not taken as the "
            f"supplier's country without being told: in a mapping file write either "
            f"[columns] supplier_country = {bare[0]!r} or [ignore] columns = [{bare[0]!r}]."
        )
    return replace(mapping, columns=columns, constants=constants)
