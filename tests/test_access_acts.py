"""Rights checked when the act happens, and the upload endpoint (issue 20, points 2, 8, 9).

Downloads: Streamlit runs a download button's `data` callable when the button is
clicked, on another thread. AppTest has no server to register it with, so the tests
capture the callable the page hands to Streamlit (`marshall_file`), demote the user in
the roles file and then call it, as the server would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from dashboard_fixtures import fixture_lines, fixture_store
from streamlit import config
from streamlit.elements.widgets import button as st_button
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.testing.v1 import AppTest

from transparency import access, schema
from transparency.app import auth, fmt, uploads
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
ROLES = '[users]\n"ana@example.org" = "analyst"\n"sam@example.org" = "steward"\n'


@pytest.fixture
def roles(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES)
    monkeypatch.setenv("TRANSPARENCY_ROLES", str(path))
    return path


@pytest.fixture
def captured(monkeypatch) -> dict[str, object]:
    """Download file name -> the `data` callable the page gave Streamlit."""
    found: dict[str, object] = {}
    original = st_button.marshall_file

    def capture(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        if callable(data):
            found[file_name or coordinates] = data
        return original(coordinates, data, proto, mimetype, file_name, **kwargs)

    monkeypatch.setattr(st_button, "marshall_file", capture)
    return found


def as_user(monkeypatch, s: Store, email: str, page: str) -> AppTest:
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "1")
    monkeypatch.setenv("TRANSPARENCY_TEST_USER", email)
    return AppTest.from_file(str(REPO / page), default_timeout=60)


def no_errors(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []


def demote(roles: Path, email: str, role: str) -> None:
    text = roles.read_text()
    start = text.index(f'"{email}" = ')
    end = text.index("\n", start)
    roles.write_text(text[:start] + f'"{email}" = "{role}"' + text[end:])


def test_a_line_export_is_refused_when_the_role_was_taken_away_after_the_page_ran(
    tmp_path, roles, monkeypatch, captured
):
    s = fixture_store(tmp_path / "store")
    at = as_user(monkeypatch, s, "ana@example.org", "pages/contracts.py")
    at.run()
    no_errors(at)
    (csv_file,) = [f for k, f in captured.items() if k.endswith(".csv")]
    rows = list(csv.reader(io.StringIO(csv_file().decode("utf-8-sig"))))
    assert len(rows) == 1 + 8  # header + the eight fixture lines
    demote(roles, "ana@example.org", "viewer")
    assert len(captured) == 2  # CSV and XLSX
    for produce in captured.values():
        with pytest.raises(access.AccessDenied, match=r"Your role \(viewer\) may not export"):
            produce()
    roles.write_text("[users\n")  # unreadable roles file: fail closed
    with pytest.raises(access.AccessDenied, match="cannot be checked"):
        csv_file()


def store_with_a_rejection(root: Path) -> Store:
    s = Store(root)
    rejected = pl.DataFrame(
        {"file": ["po.csv"], "source_row": [9], "column": ["amount"]}
        | {"value": ["=1+1"], "reason": ["not a number"]},
        schema=schema.REJECTION,
    )
    s.add_batch(fixture_lines(), rejected, source_file="po.csv", content_hash="r1", rows_read=9)
    return s


def test_report_and_rejection_downloads_check_the_role_when_produced(
    tmp_path, roles, monkeypatch, captured
):
    s = store_with_a_rejection(tmp_path / "store")
    at = as_user(monkeypatch, s, "sam@example.org", "pages/quarterly_report.py")
    at.run()
    no_errors(at)
    report = list(captured.values())
    (workbook,) = [f for k, f in captured.items() if k.endswith(".xlsx")]
    assert len(report) == 3 and workbook()[:2] == b"PK"  # the XLSX workbook (a zip)
    at = as_user(monkeypatch, s, "sam@example.org", "pages/data.py")
    at.run()
    no_errors(at)
    (rejections,) = [f for k, f in captured.items() if k.startswith("rejections-")]
    assert rejections() == s.rejections_path(s.batches()[0].batch_id).read_bytes()
    demote(roles, "sam@example.org", "analyst")
    with pytest.raises(access.AccessDenied, match="may not rejection report"):
        rejections()
    assert workbook()[:2] == b"PK"  # an analyst still may download the report
    roles.write_text("")  # no longer listed at all
    for produce in report:
        with pytest.raises(access.AccessDenied, match=r"\(none\) may not report download"):
            produce()


def test_undo_and_import_check_the_role_at_the_click(tmp_path, roles, monkeypatch):
    s = fixture_store(tmp_path / "store")
    at = as_user(monkeypatch, s, "sam@example.org", "pages/data.py")
    at.run()
    at.button(key="dt_undo").click().run()
    demote(roles, "sam@example.org", "analyst")
    at.button(key="dt_undo_yes").click().run()
    no_errors(at)
    assert len(s.batches()) == 1
    # The rerun of the click reads the role again: the page refuses, nothing is undone.
    assert "Your role (analyst)" in at.error[0].value
    demote(roles, "sam@example.org", "steward")
    at = as_user(monkeypatch, s, "sam@example.org", "pages/data.py")
    at.run()
    at.file_uploader(key="dt_upload").upload("po.csv", b"contract_id\n1\n", "text/csv").run()
    demote(roles, "sam@example.org", "analyst")
    at.button(key="dt_import").click().run()
    no_errors(at)
    assert "Your role (analyst)" in at.error[0].value
    assert [b.source_file for b in s.batches()] == ["fixture.csv"]


def test_the_upload_limit_shown_is_the_one_streamlit_enforces(tmp_path, roles, monkeypatch):
    s = fixture_store(tmp_path / "store")
    monkeypatch.setenv("TRANSPARENCY_MAX_UPLOAD_MB", "7.9")
    at = as_user(monkeypatch, s, "sam@example.org", "pages/data.py")
    try:
        at.run()
        no_errors(at)
        uploader = at.file_uploader(key="dt_upload")
        assert uploader.proto.max_upload_size_mb == 7
        assert config.get_option("server.maxUploadSize") == 7
        assert "Files up to 7 MB" in uploader.help
    finally:
        config.set_option("server.maxUploadSize", 200)


def test_the_uploader_is_drawn_only_for_roles_that_may_import(tmp_path, roles, monkeypatch):
    s = fixture_store(tmp_path / "store")
    roles.write_text(ROLES.replace('"ana@example.org" = "analyst"', '"ana@example.org" = "viewer"'))
    at = as_user(monkeypatch, s, "ana@example.org", "pages/data.py")
    at.run()
    no_errors(at)
    assert not at.file_uploader and "does not include the Data page" in at.error[0].value


def upload(manager: MemoryUploadedFileManager, session: str) -> None:
    manager.add_file(session, UploadedFileRec("f1", "po.csv", "text/csv", b"x" * 10))


def test_the_upload_store_keeps_files_only_for_sessions_allowed_to_import(roles, monkeypatch):
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    assert uploads.guard(manager) and uploads.guard(manager)  # once, however often called
    with pytest.raises(uploads.UploadRefused, match="may not upload"):
        upload(manager, "signed-out-session")
    sam = auth.Identity(
        "signed_in", "sam@example.org", "steward", auth.test_principal("sam@example.org")
    )
    monkeypatch.setitem(uploads._ALLOWED, "sam-session", sam)
    upload(manager, "sam-session")
    assert [f.name for f in manager.get_files("sam-session", ["f1"])] == ["po.csv"]
    demote(roles, "sam@example.org", "analyst")
    with pytest.raises(uploads.UploadRefused, match=r"role \(analyst\) may not import"):
        upload(manager, "sam-session")
    assert manager.file_storage.get("signed-out-session") is None
    assert sum(len(f.data) for f in manager.file_storage["sam-session"].values()) == 10


@pytest.mark.parametrize(
    "name",
    ["x" * 300 + ".csv", "![img](http://tracker.example/x.png) [a](http://e) www.e.org.csv"],
)
def test_long_and_markdown_upload_names_are_handled_as_text(tmp_path, roles, monkeypatch, name):
    s = fixture_store(tmp_path / "store")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    at = as_user(monkeypatch, s, "sam@example.org", "pages/data.py")
    at.run()
    data = b"contract_id,supplier_name,amount,currency,award_date\nC1,Acme,10,USD,2024-01-05\n"
    at.file_uploader(key="dt_upload").upload(name, data, "text/csv").run()
    at.button(key="dt_import").click().run()
    no_errors(at)
    shown = " ".join(e.value for e in (*at.error, *at.success, *at.markdown))
    assert str(tmp_path) not in shown and "[a](" not in shown and "![img]" not in shown
    assert at.success[0].value.startswith(f"{fmt.md(name)}: 1 rows read, 1 accepted, 0 rejected")
    statuses = [e.label for e in at.main.children.values() if type(e).__name__ == "Status"]
    assert statuses == [f"Imported {fmt.md(name)}"]  # the label is markdown: escaped
    assert [b.source_file for b in s.batches()] == ["fixture.csv", name]
    assert list(tmp_path.glob("transparency-upload-*")) == []  # the temporary folder is gone
