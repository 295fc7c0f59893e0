"""`screening list|decide|flags`: supplier screening candidates, decisions, and red flags.

    python -m transparency screening list [--json] [--uflpa FILE]
    python -m transparency screening decide C-1a2b3c4d5e --confirm --reason "same" --by "J. Doe"
    python -m transparency screening flags [--json]

A candidate is a possible match to review, never a finding. `decide` records the decision
append-only (`<store>/screening_decisions.jsonl`) under the local role (the person at the
machine owns the data).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from transparency.commands import UserError, add_store_argument, store_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("screening", help="screen suppliers against lists; review; red flags")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    lst = actions.add_parser("list", help="print the open screening candidates")
    add_store_argument(lst)
    lst.add_argument("--json", action="store_true", help="print one JSON object a line")
    lst.add_argument("--uflpa", type=Path, help="a UFLPA entity list CSV to screen against too")
    lst.set_defaults(func=run_list)

    dec = actions.add_parser("decide", help="confirm or dismiss one candidate (append-only)")
    add_store_argument(dec)
    dec.add_argument("candidate", metavar="CANDIDATE", help="candidate id, as `list` prints it")
    which = dec.add_mutually_exclusive_group(required=True)
    which.add_argument("--confirm", action="store_const", const="confirmed", dest="decision")
    which.add_argument("--dismiss", action="store_const", const="dismissed", dest="decision")
    dec.add_argument("--reason", required=True, help="why (kept with the decision)")
    dec.add_argument("--by", required=True, dest="decided_by", help="who decides")
    dec.add_argument("--uflpa", type=Path, help="the UFLPA file used by `list`, if any")
    dec.set_defaults(func=run_decide)

    flg = actions.add_parser("flags", help="print each red flag's status, counts and spend")
    add_store_argument(flg)
    flg.add_argument("--json", action="store_true", help="print one JSON object a line")
    flg.set_defaults(func=run_flags)


def _screen(args: argparse.Namespace):
    # lazy: duckdb, the lists and rapidfuzz load only when a screening command runs
    from transparency import database
    from transparency.screening import candidates

    store = store_from(args)
    extra = None
    if args.uflpa is not None:
        if not args.uflpa.exists():
            raise UserError(f"no UFLPA file {args.uflpa}")
        extra = {"uflpa": args.uflpa}
    con = database.connect(store, with_risk=False)
    try:
        return store, candidates.screen(con, extra=extra)
    finally:
        con.close()


def run_list(args: argparse.Namespace) -> int:
    # lazy: see _screen
    from transparency.screening import candidates

    store, result = _screen(args)
    frame = candidates.open_candidates(store, result)
    if args.json:
        for row in frame.drop("aliases", "countries").iter_rows(named=True):
            print(json.dumps(row, default=str, ensure_ascii=False))
        return 0
    used = result.coverage.filter("screened")
    print(
        f"Screened {result.suppliers_screened} suppliers (USD {result.spend_screened_usd:,.2f}) "
        "against "
        + "; ".join(f"{r['list_title']} ({r['edition']})" for r in used.iter_rows(named=True))
    )
    if frame.height == 0:
        print("No open candidates.")
        return 0
    print(f"{frame.height} open candidate(s): possible matches to review, not findings.")
    print(f"{'candidate':13} {'score':>5} {'supplier':30} {'list':10} entry")
    for r in frame.iter_rows(named=True):
        print(
            f"{r['candidate_id']:13} {r['score']:5.1f} {r['supplier_name'][:30]:30} "
            f"{r['list_key']:10} {r['entry_name']}"
        )
    return 0


def run_decide(args: argparse.Namespace) -> int:
    # lazy: see _screen
    from transparency.access import LOCAL_ROLE
    from transparency.screening import candidates, decisions

    store, result = _screen(args)
    try:
        candidate = candidates.find(result, args.candidate)
        record = decisions.add(
            store, candidate, decision=args.decision, reason=args.reason,
            decided_by=args.decided_by, role=LOCAL_ROLE,
        )  # fmt: skip
    except decisions.DecisionError as exc:
        raise UserError(str(exc)) from exc
    print(
        f"Recorded: {record['candidate_id']} {record['decision']} ({record['supplier_name']} / "
        f"{record['entry_name']}, {record['list_key']}) in {decisions.path(store)}."
    )
    return 0


def run_flags(args: argparse.Namespace) -> int:
    # lazy: duckdb and the store load only when the command runs
    from transparency import database
    from transparency.screening import flags

    con = database.connect(store_from(args), with_risk=True)
    try:
        results = flags.compute(con)
        table = flags.summary(results)
        share = flags.high_risk_flagged_share(con, results)
    finally:
        con.close()
    if args.json:
        for row in table.iter_rows(named=True):
            print(json.dumps(row, ensure_ascii=False))
        if share is not None:
            print(json.dumps({"high_risk_spend_with_a_flag": share}))
        return 0
    for r in table.iter_rows(named=True):
        if r["status"] == flags.NOT_COMPUTABLE:
            print(f"{r['title']:32} not computable (missing: {r['missing_fields']})")
        else:
            print(f"{r['title']:32} {r['flagged']:6} of {r['assessed']:6} {r['scope']}s, "
                  f"USD {r['flagged_usd']:,.2f}")  # fmt: skip
    for code, need in flags.not_computable_indicators().items():
        print(f"{'Cardinal ' + code:32} not computable ({need})")
    if share is not None:
        print(f"High or Very high spend with at least one flag: USD {share['flagged_usd']:,.2f} "
              f"of {share['high_risk_usd']:,.2f} ({share['share']:.1%})")  # fmt: skip
    return 0
