"""`diligence add|list`: record due-diligence steps per supplier, and list them.

    python -m transparency diligence add --supplier-id S-17 --supplier-name "Acme Ltd" \\
        --step audit --by "J. Doe" --date 2026-03-01 --valid-until 2027-03-01 \\
        --evidence "SMETA 4-pillar audit report 2026-114"
    python -m transparency diligence list --supplier-id S-17
"""

from __future__ import annotations

import argparse
import json
import sys

from transparency.commands import UserError, add_store_argument, store_from
from transparency.commands.import_cmd import add_prepare_argument, prepare_pages
from transparency.risk import diligence
from transparency.risk.model import STEPS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diligence", help="record or list due-diligence steps per supplier")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="record one due-diligence step (append-only)")
    add_store_argument(add)
    add.add_argument("--supplier-id", help="supplier id as in the contract lines")
    add.add_argument("--supplier-name", help="supplier name (used when lines carry no id)")
    add.add_argument("--step", required=True, choices=STEPS, help="the kind of step")
    add.add_argument("--by", required=True, dest="recorded_by", help="who records it")
    add.add_argument("--date", required=True, dest="step_date", help="date of the step, YYYY-MM-DD")
    add.add_argument("--evidence", required=True, help="evidence note (document, reference)")
    add.add_argument("--valid-until", help="last day the step counts, YYYY-MM-DD (optional)")
    add_prepare_argument(add)
    add.set_defaults(func=run_add)

    lst = actions.add_parser("list", help="list recorded steps, oldest first")
    add_store_argument(lst)
    lst.add_argument("--supplier-id", help="only this supplier")
    lst.add_argument("--json", action="store_true", help="print JSON lines")
    lst.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        record = diligence.add(
            store,
            supplier_id=args.supplier_id,
            supplier_name=args.supplier_name,
            step=args.step,
            recorded_by=args.recorded_by,
            step_date=args.step_date,
            evidence=args.evidence,
            valid_until=args.valid_until,
        )
    except diligence.DiligenceError as exc:
        raise UserError(str(exc)) from exc
    who = record["supplier_id"] or record["supplier_name"]
    print(
        f"Recorded {record['step']} for {who} on {record['step_date']} in {diligence.path(store)}."
    )
    if not _supplier_in_store(store, record["supplier_id"], record["supplier_name"]):
        field = "id" if record["supplier_id"] else "name"
        print(
            f"warning: no contract line in {store.root} has the supplier {field} {who!r}; "
            "the step counts only once lines with it are imported (check for a typo).",
            file=sys.stderr,
        )
    prepare_pages(args, store)
    return 0


def _supplier_in_store(store, supplier_id: str | None, supplier_name: str | None) -> bool:
    """Return True when some imported line carries this supplier (by id, else by name)."""
    files = store.batch_files()
    if not files:
        return False
    # lazy: polars only for this check, not for `--help`
    import polars as pl

    column, value = (
        ("supplier_id", supplier_id) if supplier_id else ("supplier_name", supplier_name)
    )
    found = pl.scan_parquet(files).filter(pl.col(column) == value).select(column).head(1)
    return found.collect().height > 0


def run_list(args: argparse.Namespace) -> int:
    try:
        frame = diligence.records(store_from(args), supplier_id=args.supplier_id)
    except diligence.DiligenceError as exc:
        raise UserError(str(exc)) from exc
    if args.json:
        for row in frame.iter_rows(named=True):
            print(json.dumps(row, default=str, ensure_ascii=False))
        return 0
    if frame.height == 0:
        print("No due-diligence steps recorded.")
        return 0
    print(f"{'supplier':24} {'step':17} {'date':10} {'valid until':11} {'by':16} evidence")
    for r in frame.iter_rows(named=True):
        who = (r["supplier_id"] or r["supplier_name"] or "")[:24]
        until = r["valid_until"].isoformat() if r["valid_until"] else "-"
        print(
            f"{who:24} {r['step']:17} {r['step_date'].isoformat():10} {until:11} "
            f"{r['recorded_by'][:16]:16} {r['evidence']}"
        )
    return 0
