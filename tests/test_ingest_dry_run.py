"""The dry run (issue 17): the import's own counts, reasons and shares, nothing written."""

from __future__ import annotations

from transparency.ingest.dry_run import dry_run
from transparency.ingest.mapping import Mapping


def test_dry_run_counts_and_writes_nothing(tmp_path, tmp_store) -> None:
    path = tmp_path / "po.csv"
    path.write_text(
        "PO Number,Vendor,PO Date,Amount,Currency,Vendor Country\n"
        "P1,Acme,2024-03-15,90,USD,France\n"
        "P2,,2024-03-15,5,USD,France\n"  # missing supplier
        "P3,,2024-03-15,5,USD,France\n"  # missing supplier
        "P4,Beta,2024-03-15,abc,USD,France\n"  # not a number
        "P5,Gamma,2024-03-15,10,USD,Atlantis\n"  # unknown country: 10 of 100 USD
    )
    tmp_store.root.mkdir(parents=True)
    run = dry_run(path, tmp_store, mapping=Mapping())
    assert (run.rows_read, run.rows_accepted, run.rows_rejected) == (5, 2, 3)
    assert run.top_reasons == [("missing supplier name", 2), ("not a number", 1)]
    assert run.recognised["supplier_country"] == {"values": 0.5, "spend": 0.9}
    assert tmp_store.batches() == []  # nothing written
