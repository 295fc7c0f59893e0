"""Data: import an export, read its rejection report, list the batches and undo one."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import streamlit as st

from transparency import settings
from transparency.app import auth, fmt, import_notes, setup, uploads
from transparency.app.connection import prepare_in_background
from transparency.app.mapping_form import dry_run_button, mapping_form
from transparency.store import StoreError

# No .xls: the Excel reader (openpyxl) reads .xlsx workbooks only, so the old format is not
# offered (save it as .xlsx or CSV first).
ACCEPTED = ["csv", "xlsx", "parquet", "json", "jsonl"]

# The sidebar filters do not apply to imports and batches, so this page leaves them out.
# It works on the store's files only, so it stays usable when the risk model is broken.
page = setup("Data", filters=False, connect=False)
store = page.store

st.write(
    "Load a purchasing export (CSV, Excel .xlsx, Parquet or OCDS JSON). Each import becomes one "
    "batch; rows that cannot be read are listed in a rejection report, never silently "
    "dropped. An import can be undone as a whole."
)

st.subheader("Import an export")
# One limit, in whole MB: shown here, given to the uploader (the browser refuses a larger
# file before sending it), set as Streamlit's server.maxUploadSize (its upload endpoint
# refuses it), and checked again by the import.
try:
    upload_mb = uploads.limit_mb()
except settings.LimitError as exc:
    st.error(f"Imports are off until this setting is fixed: {fmt.md(exc)}")
    upload_mb = None
uploads.apply_limit()
if upload_mb and page.can("import"):
    # Only this session's files are kept by the upload endpoint, and only while its role
    # may import (read again when each file arrives).
    uploads.allow(page.identity)
    upload = st.file_uploader(
        "Export file",
        type=ACCEPTED,
        key="dt_upload",
        max_upload_size=upload_mb,
        help=f"Files up to {upload_mb} MB (TRANSPARENCY_MAX_UPLOAD_MB).",
    )
else:
    uploads.revoke()
    upload = None
# Issue 17: the columns mapped by hand when the headings are not recognised (None: as found).
mapping = mapping_form(upload) if upload is not None else None
if upload is not None and page.can("import"):
    dry_run_button(upload, store, mapping)
if (
    upload is not None
    and st.button("Import this file", type="primary", key="dt_import")
    and auth.permit("import")
):
    # Names are shown as text: a status label is markdown, so the name is escaped.
    name = fmt.md(upload.name)
    with st.status(f"Importing {name}…", expanded=True) as status:
        st.write("Saving the upload…")
        with uploads.save_upload(upload.name, upload.getbuffer()) as target:
            st.write("Reading, checking and converting the rows…")
            try:
                # lazy: the readers (openpyxl, the OCDS parser) load on the first import only
                from transparency import ingest

                result = ingest.import_file(target, store, source_name=upload.name, mapping=mapping)
            except Exception as exc:  # noqa: BLE001 - shown in words; refusals carry their reason
                refused = type(exc).__name__ in ("ImportRefused", "DuplicateImport", "StoreError")
                # The temporary path means nothing to the user: name their file instead.
                text = str(exc).replace(str(target), upload.name)
                status.update(label=f"{name} was not imported", state="error")
                st.session_state["dt_last"] = {
                    "error": text if refused else f"The import failed: {text}",
                }
            else:
                status.update(label=f"Imported {name}", state="complete")
                st.session_state["dt_preparing"] = prepare_in_background(store)
                st.session_state["dt_batch"] = result.batch.batch_id  # show the new batch below
                st.session_state["dt_last"] = {
                    "file": upload.name,
                    "batch": result.batch.batch_id,
                    "rows_read": result.rows_read,
                    "rows_accepted": result.rows_accepted,
                    "rows_rejected": result.rows_rejected,
                    "notes": import_notes.result_notes(result, store),  # issue 17: value, headings
                }

last = st.session_state.get("dt_last")
if last and "error" in last:
    st.error(fmt.md(last["error"]))
elif last:
    st.success(
        f"{fmt.md(last['file'])}: {fmt.count(last['rows_read'])} rows read, "
        f"{fmt.count(last['rows_accepted'])} accepted, "
        f"{fmt.count(last['rows_rejected'])} rejected (batch {last['batch']})."
    )
    for note in last.get("notes", []):  # issue 17: the value rejected, headings found
        (st.warning if note.startswith("warning") else st.info)(fmt.md(note))
if preparing := st.session_state.pop("dt_preparing", None):
    st.info(preparing)

# Real data beside the generated demo batches (e.g. the first real import): offer to
# remove the demo data, so the figures are the organisation's own.
demo_batches = [b for b in store.batches() if b.is_demo]
if demo_batches and len(demo_batches) < len(store.batches()) and page.can("undo"):
    with st.container(border=True):
        st.markdown(
            f"**The store still holds generated demo data** beside your own imports: "
            f"{fmt.count(sum(b.rows_accepted for b in demo_batches))} demo lines in "
            f"{fmt.count(len(demo_batches))} batch{'es' if len(demo_batches) != 1 else ''}"
            + (f" ({fmt.pct(page.demo[0])} of all lines)." if page.demo else ".")
            + " Every page labels its figures as demo data until it is removed."
        )
        if not st.session_state.get("dt_demo_confirm"):
            if st.button("Remove the demo data…", key="dt_demo_remove"):
                st.session_state["dt_demo_confirm"] = True
                st.rerun()
        else:
            st.warning("Remove every demo batch? Your own imports stay. This cannot be reversed.")
            y, n = st.columns(2)
            if y.button("Yes, remove the demo data", type="primary", key="dt_demo_yes") and (
                auth.permit("undo")
            ):
                try:
                    for b in demo_batches:
                        store.undo(b.batch_id)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    st.session_state.pop("dt_demo_confirm", None)
                    st.session_state["dt_preparing"] = prepare_in_background(store)
                    st.toast("Removed the demo data.")
                    st.rerun()
            if n.button("Cancel", key="dt_demo_no"):
                st.session_state.pop("dt_demo_confirm", None)
                st.rerun()

batches = store.batches()
st.subheader("Batches in the store")
if not batches:
    st.info("The store is empty. Import an export above to start.")
    st.stop()

# What a reader checks first on the left (the batch id, long and technical, last): at
# 1280 px the totals and the demo flag were off-screen.
table = pl.DataFrame(
    {
        "Source file": [b.source_file for b in batches],
        "Demo data": ["Yes" if b.is_demo else "No" for b in batches],
        "Accepted": [b.rows_accepted for b in batches],
        "Rejected": [b.rows_rejected for b in batches],
        "Total (USD)": [float(Decimal(b.total_usd)) for b in batches],
        "Imported at (UTC)": [b.imported_at.replace("T", " ")[:19] for b in batches],
        "Rows read": [b.rows_read for b in batches],
        "Batch": [b.batch_id for b in batches],
    }
)
st.dataframe(
    table,
    hide_index=True,
    key="dt_batches",
    column_config={
        "Total (USD)": st.column_config.NumberColumn(format="dollar"),
        "Rows read": st.column_config.NumberColumn(format="localized"),
        "Accepted": st.column_config.NumberColumn(format="localized"),
        "Rejected": st.column_config.NumberColumn(format="localized"),
    },
)

labels = {b.batch_id: f"{b.batch_id} · {b.source_file}" for b in batches}
chosen = st.selectbox("Batch", list(labels)[::-1], format_func=labels.get, key="dt_batch")
batch = store.batch(chosen)

st.subheader("Rejection report")
if batch.rows_rejected == 0:
    st.write(f"No rows of {fmt.md(batch.source_file)} were rejected.")
else:
    try:
        report = store.rejections(chosen)
    except (OSError, pl.exceptions.PolarsError):
        report = None
    if report is None:
        st.warning("The rejection report of this batch cannot be read.")
    else:
        st.write(
            f"{fmt.plural(batch.rows_rejected, 'row')} of {fmt.md(batch.source_file)} rejected "
            f"({fmt.plural(report.height, 'reason')}). The first 500 are shown; the download "
            "holds all of them."
        )
        st.write(import_notes.report_value(report))
        st.dataframe(
            report.head(500).rename(import_notes.REPORT_LABELS),
            hide_index=True,
            key="dt_rejections",
        )
        path = store.rejections_path(chosen)
        st.download_button(
            "Download the rejection report (CSV)",
            data=auth.deferred(page.identity, "rejection_report", path.read_bytes),
            file_name=f"rejections-{chosen}.csv",
            mime="text/csv",
            on_click="ignore",
            key="dt_rejections_download",
        )

st.subheader("Undo an import")
st.write(
    f"Undoing removes batch {fmt.md(chosen)} ({fmt.count(batch.rows_accepted)} lines from "
    f"{fmt.md(batch.source_file)}) from every page and figure. The file can be imported "
    "again later."
)
if st.session_state.get("dt_confirm") != chosen:
    if st.button("Undo this import…", key="dt_undo"):
        st.session_state["dt_confirm"] = chosen
        st.rerun()
else:
    st.warning(
        f"Remove batch {fmt.md(chosen)} ({fmt.md(batch.source_file)})? This cannot be reversed."
    )
    y, n = st.columns(2)
    if y.button("Yes, remove it", type="primary", key="dt_undo_yes") and auth.permit("undo"):
        try:
            store.undo(chosen)
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.session_state.pop("dt_confirm", None)
            st.session_state["dt_last"] = None
            st.session_state["dt_preparing"] = prepare_in_background(store)
            st.toast(f"Removed batch {chosen}.")
            st.rerun()
    if n.button("Cancel", key="dt_undo_no"):
        st.session_state.pop("dt_confirm", None)
        st.rerun()
