"""The Data page's column mapping (issue 17): pick which file column is each canonical
column when the headings are not recognised, with the heading row, date order and a
default currency, then import with that mapping or download it as TOML for `--mapping`.

The page calls `mapping_form(upload)` before its import button and passes the returned
`Mapping` (or None: the headings are recognised as they are) to `import_file`.

>>> m = build_mapping({"contract_id": "column 1", "amount": "(none)"}, {"heading_row": 0})
>>> m.columns, m.heading_row
({'contract_id': ['column 1']}, 0)
>>> print(to_toml(m))
[columns]
contract_id = "column 1"
<BLANKLINE>
[headings]
row = 0
<BLANKLINE>
"""

from __future__ import annotations

import json

import streamlit as st

from transparency import schema
from transparency.ingest.mapping import Mapping

NONE = "(none)"
# The canonical columns offered, required first.
OFFERED = [
    *schema.REQUIRED,
    "currency",
    "supplier_country",
    "category_code",
    "procurement_method",
    "buyer",
    "description",
    "line_id",
    "supplier_id",
]


def build_mapping(choices: dict[str, str], options: dict) -> Mapping:
    """Return the mapping the form's choices say (`NONE`: the column is not in the file)."""
    columns = {c: [h] for c, h in choices.items() if h and h != NONE}
    constants = {}
    if options.get("currency") and "currency" not in columns:
        constants["currency"] = options["currency"].strip().upper()
    return Mapping(
        columns=columns,
        constants=constants,
        date_order=options.get("date_order"),
        heading_row=options.get("heading_row"),
        undisclosed=list(options.get("undisclosed", [])),
        source="the Data page's mapping",
    )


def _toml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def to_toml(mapping: Mapping) -> str:
    """Return the mapping as a TOML file `--mapping` reads."""
    out = []
    if mapping.columns:
        out.append("[columns]")
        out += [f"{c} = {_toml_text(h[0])}" for c, h in mapping.columns.items()]
        out.append("")
    if mapping.constants:
        out.append("[constants]")
        out += [f"{c} = {_toml_text(v)}" for c, v in mapping.constants.items()]
        out.append("")
    if mapping.heading_row is not None:
        out += ["[headings]", f"row = {mapping.heading_row}", ""]
    if mapping.date_order:
        out += ["[dates]", f"order = {_toml_text(mapping.date_order)}", ""]
    if mapping.undisclosed:
        names = ", ".join(_toml_text(n) for n in mapping.undisclosed)
        out += ["[suppliers]", f"undisclosed = [{names}]", ""]
    return "\n".join(out)


def _headings(upload, heading_row: int | None) -> tuple[list[str], list[list]]:
    """Return the upload's headings and its first rows, read as the import reads them."""
    from transparency.app.uploads import save_upload  # lazy: as the page's own import
    from transparency.ingest.readers.sources import open_source  # lazy: readers load late

    with save_upload(upload.name, upload.getbuffer()) as path:
        source = open_source(path, Mapping(heading_row=heading_row), 1000)
        first = next(iter(source.pieces()))[0]
    headings = source.headings or list(first.columns)
    return headings, [list(r) for r in first.head(5).iter_rows()]


def mapping_form(upload) -> Mapping | None:
    """Show the mapping form for `upload`; return its mapping, or None when not used."""
    if not st.checkbox(
        "Map the columns myself (when the headings are not recognised)", key="mf_use"
    ):
        return None
    row_choice = st.selectbox(
        "Heading row",
        ["Detect", "No heading row", "Row 1", "Row 2", "Row 3", "Row 4", "Row 5"],
        key="mf_row",
    )
    heading_row = {"Detect": None, "No heading row": 0}.get(row_choice)
    if row_choice.startswith("Row "):
        heading_row = int(row_choice[4:])
    try:
        headings, rows = _headings(upload, heading_row)
    except Exception as exc:  # noqa: BLE001 - shown in words: the file's own problem
        st.error(f"The file cannot be previewed: {exc}")
        return None
    st.caption("The first rows, as the import reads them:")
    st.table({h: [r[i] for r in rows] for i, h in enumerate(headings)})
    choices = {
        column: st.selectbox(column, [NONE, *headings], key=f"mf_col_{column}")
        for column in OFFERED
    }
    order = st.selectbox("Date order", ["Detect", "dmy", "mdy"], key="mf_dates")
    currency = st.text_input("Currency of every amount (when no column)", key="mf_currency")
    withheld = st.text_input("Names meaning 'withheld' (comma separated)", key="mf_withheld")
    mapping = build_mapping(
        choices,
        {
            "heading_row": heading_row,
            "date_order": None if order == "Detect" else order,
            "currency": currency,
            "undisclosed": [n.strip() for n in withheld.split(",") if n.strip()],
        },
    )
    st.download_button(
        "Download this mapping (TOML, for --mapping)",
        data=to_toml(mapping),
        file_name="mapping.toml",
        mime="application/toml",
        on_click="ignore",
        key="mf_download",
    )
    return mapping


def dry_run_button(upload, store, mapping: Mapping | None) -> None:
    """Offer a dry run of the upload: counts, top reasons, shares recognised, warnings;
    nothing is written."""
    if not st.button("Dry run (nothing is written)", key="mf_dry_run"):
        return
    from transparency.app.uploads import save_upload  # lazy: as the page's own import
    from transparency.ingest import ImportRefused  # lazy: the readers load late
    from transparency.ingest.dry_run import dry_run  # lazy: as above

    with save_upload(upload.name, upload.getbuffer()) as path:
        try:
            run = dry_run(path, store, mapping=mapping, source_name=upload.name)
        except ImportRefused as exc:
            st.error(str(exc).replace(str(path), upload.name))
            return
    st.info(
        f"Would read {run.rows_read:,} rows: {run.rows_accepted:,} accepted, "
        f"{run.rows_rejected:,} rejected."
    )
    if run.top_reasons:
        st.table(
            {"Reason": [r for r, _ in run.top_reasons], "Rows": [n for _, n in run.top_reasons]}
        )
    st.table(
        {
            "Column": list(run.recognised),
            "Values recognised": [f"{s['values']:.0%}" for s in run.recognised.values()],
            "Spend recognised": [f"{s['spend']:.0%}" for s in run.recognised.values()],
        }
    )
    for note in run.notes:
        (st.warning if note.startswith("warning") else st.info)(note)
