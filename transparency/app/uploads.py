"""Browser uploads: one size limit everywhere, only for sessions allowed to import, safe names.

Streamlit's upload endpoint (`PUT /_stcore/upload_file/<session>/<file>`) accepts a file
from any open session that knows its session id and XSRF token, signed in or not, and
keeps it in memory; it checks only `server.maxUploadSize`. So:

- `apply_limit` sets `server.maxUploadSize` from `TRANSPARENCY_MAX_UPLOAD_MB` (whole MB),
  the limit the Data page shows and gives its uploader: shown = enforced;
- `install_guard` wraps the running server's upload store so a file is kept only for a
  session that `allow` registered (the Data page drew the uploader for a role that may
  import) and whose role, read again from the roles file when the file arrives, still
  may. Any other session's file is read (at most `server.maxUploadSize`), then dropped
  with HTTP 500;
- `save_upload` writes an upload under a short fixed name, so a long or odd file name
  cannot fail on the file system or leave a temporary folder behind.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from transparency import access, settings
from transparency.app.auth import Identity

LOG = logging.getLogger(__name__)
# server.maxUploadSize while TRANSPARENCY_MAX_UPLOAD_MB is malformed (imports are off then).
FALLBACK_MB = 1
_LOCK = threading.Lock()
# Session id -> the identity the Data page saw when it drew the uploader.
_ALLOWED: dict[str, Identity] = {}


class UploadRefused(PermissionError):
    """A file arrived from a session that may not import."""


def limit_mb() -> int:
    """Return the upload limit in whole MB (at least 1): shown, given to the uploader and
    set as Streamlit's `server.maxUploadSize`. Raises `settings.LimitError` when malformed.

    Streamlit counts whole MB, so a fractional setting is rounded down: nothing the
    browser lets through is then refused by the import's own size check.
    """
    return max(1, math.floor(settings.max_upload_mb()))


def apply_limit() -> int:
    """Set Streamlit's `server.maxUploadSize` to `limit_mb()` and return it.

    A malformed setting sets the smallest limit (imports are off then). A different value
    configured for Streamlit (config.toml, command line) is replaced, with a log line.
    """
    try:
        limit = limit_mb()
    except settings.LimitError:
        limit = FALLBACK_MB
    current = config.get_option("server.maxUploadSize")
    if current != limit:
        if config.get_where_defined("server.maxUploadSize") != "<default>":
            LOG.warning(
                "server.maxUploadSize=%s replaced by %s MB from TRANSPARENCY_MAX_UPLOAD_MB.",
                current,
                limit,
            )
        config.set_option("server.maxUploadSize", limit, where_defined="transparency")
    return limit


def allow(ident: Identity) -> None:
    """Let this session's uploads in (the Data page drew the uploader for `ident`)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _LOCK:
            _ALLOWED[ctx.session_id] = ident


def revoke() -> None:
    """Stop letting this session's uploads in."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _LOCK:
            _ALLOWED.pop(ctx.session_id, None)


def check(session_id: str) -> None:
    """Raise `UploadRefused` unless `session_id` was allowed and its role may import now."""
    with _LOCK:
        ident = _ALLOWED.get(session_id)
    if ident is None:
        raise UploadRefused("This session may not upload files.")
    try:
        role = ident.role_now()
    except access.AccessConfigError as exc:
        raise UploadRefused(f"Access cannot be checked: {exc}") from exc
    if not access.can(role, "import"):
        raise UploadRefused(f"The role ({role or 'none'}) may not import.")


def guard(manager: object) -> bool:
    """Make `manager` (Streamlit's upload store) keep only files that pass `check`.

    Returns False when the store has no `add_file` to wrap (a Streamlit release that
    changed it): then only `server.maxUploadSize` bounds signed-out uploads.
    """
    add_file = getattr(manager, "add_file", None)
    if add_file is None:
        LOG.warning("Streamlit's upload store has no add_file: uploads are only size-bounded.")
        return False
    if getattr(add_file, "transparency_guard", False):
        return True

    def guarded_add_file(session_id: str, file: object) -> None:
        try:
            check(session_id)
        except UploadRefused as exc:
            LOG.warning("Upload refused for session %s: %s", session_id, exc)
            raise
        add_file(session_id, file)

    guarded_add_file.transparency_guard = True  # type: ignore[attr-defined]
    manager.add_file = guarded_add_file  # type: ignore[attr-defined]
    return True


def install_guard() -> bool:
    """Guard the running server's upload store (no server, as in AppTest: nothing to do)."""
    if not Runtime.exists():
        return False
    return guard(Runtime.instance().uploaded_file_mgr)


_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}\Z")


@contextmanager
def save_upload(name: str, data: memoryview | bytes) -> Iterator[Path]:
    """Write an upload to a private temporary folder; yield its path; remove both after.

    The file is named `upload` plus the original extension (lower case, when it is short
    and plain), so the name's length and characters never reach the file system.

    >>> with save_upload("x" * 300 + ".CSV", b"a") as path:
    ...     path.name, path.read_bytes()
    ('upload.csv', b'a')
    >>> path.parent.exists()
    False
    """
    match = _SUFFIX.search(name)
    folder = Path(tempfile.mkdtemp(prefix="transparency-upload-"))
    try:
        target = folder / ("upload" + (match.group(0).lower() if match else ""))
        target.write_bytes(data)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)
