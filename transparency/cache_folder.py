"""The spill and page cache folder: this user's own, and what is left in it.

The page cache (`database.connect_for_pages`) holds every scored line, so the folder it
lives in (`settings.spill_dir()`, default `<temp folder>/transparency-spill-<uid>`) must
be this user's alone: another local user could otherwise read it, or create the folder
first and put a cache of their own in it (the dashboard then shows their figures).

- `ensure_private_dir` creates the folder with mode 0700 and refuses one that belongs to
  another user (`PrivateFolderError`, naming the folder and its owner). A folder of ours
  that others may enter (say 0777, made by hand or by an older release) is set to 0700;
  a cache file in it that another user put there is refused when it would be opened
  (`check_own_file`). Files this code writes are 0600 (`write_private_text`).
- A build that failed is remembered beside the file it would have made
  (`pages-<store>-<version>.failed`, see `record_failure`), so page views do not retry it.
- Files of older versions, of deleted stores and of killed builds are removed
  (`remove_old_page_caches`, `remove_stale_scratch`).
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import secrets
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

from transparency.store import is_url


class PrivateFolderError(RuntimeError):
    """The spill or cache folder (or a file in it) is not this user's own."""


class PageCacheFailed(RuntimeError):
    """The page cache of the current data version could not be built (`reason` says why);
    it is not tried again until the data, the model or the code change or one asks."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"The pages cannot be prepared for this data: {reason}. A data steward can undo "
            "the last import on the Data page, or remove the cause (for example raise "
            "TRANSPARENCY_MEMORY_LIMIT) and prepare the pages again (Try again on this page, "
            "or `python -m transparency prepare`)."
        )


def _owner(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def ensure_private_dir(folder: Path) -> Path:
    """Create `folder` with mode 0700 unless it exists; return it once it is this user's.

    Raises `PrivateFolderError` when it (or what a symbolic link there points to) belongs
    to another user, is not a folder, or is a shared folder with the sticky bit (`/tmp`
    itself). Any other folder of ours open to others is set to 0700.
    """
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise PrivateFolderError(f"{folder} is not a folder; set TRANSPARENCY_SPILL_DIR.")
    if info.st_uid != os.geteuid():
        raise PrivateFolderError(
            f"The folder {folder} belongs to {_owner(info.st_uid)}, not to this user "
            f"({_owner(os.geteuid())}): another user could read the page cache there or put "
            "one of their own in its place, so it is not used. Remove the folder, or set "
            "TRANSPARENCY_SPILL_DIR to a folder of your own."
        )
    if info.st_mode & stat.S_ISVTX:
        # A shared temp folder like /tmp itself (mode 1777): never narrowed for everyone.
        raise PrivateFolderError(
            f"The folder {folder} is shared by all users (mode {stat.S_IMODE(info.st_mode):o}); "
            "set TRANSPARENCY_SPILL_DIR to a folder of its own inside it."
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)
        logging.getLogger(__name__).warning(
            "%s was open to other users (mode %o): set to 0700", folder, stat.S_IMODE(info.st_mode)
        )
    return folder


def check_own_file(path: Path) -> None:
    """Raise `PrivateFolderError` when the file `path` belongs to another user (a file
    removed meanwhile passes: opening it fails, and the caller looks again)."""
    try:
        uid = Path(path).stat().st_uid
    except FileNotFoundError:
        return
    if uid != os.geteuid():
        raise PrivateFolderError(
            f"The page cache file {path} belongs to {_owner(uid)}, not to this user "
            f"({_owner(os.geteuid())}), so it is not opened. Remove it (and check who can "
            f"write to {Path(path).parent})."
        )


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0600) through a temporary file and a rename."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(scratch, path)


def open_lock(path: Path):
    """Return the lock file `path` opened for `fcntl.flock` (created with mode 0600)."""
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "a+")


# --- failed builds ------------------------------------------------------------------------


def failure_path(cache: Path) -> Path:
    """Return the marker of a failed build of the page cache file `cache`."""
    return cache.with_suffix(".failed")


def record_failure(cache: Path, error: BaseException) -> str:
    """Remember that building `cache` failed with `error`; return the reason (one line)."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    reason = lines[0].strip()
    reason = reason if len(reason) <= 300 else reason[:299] + "…"
    at = datetime.now(UTC).isoformat(timespec="seconds")
    write_private_text(failure_path(cache), json.dumps({"reason": reason, "at": at}))
    return reason


def read_failure(cache: Path) -> str | None:
    """Return the reason a build of `cache` failed, or None when none is remembered."""
    try:
        return str(json.loads(failure_path(cache).read_text(encoding="utf-8"))["reason"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return "an earlier build failed (its note cannot be read)"


# --- what is left -------------------------------------------------------------------------


def remove_old_page_caches(folder: Path, keep: Path) -> list[Path]:
    """Remove the page cache files of other versions of `keep`'s store, the files of local
    stores whose folder no longer exists (named in `pages-<store part>.store`), and files
    left half-built by processes that no longer run. Returns the files removed.

    A process still reading a removed file keeps reading it (the file lives until it is
    closed); only new connections need the current version.
    """
    store_part = keep.name.split("-")[1]
    gone = set()
    for note in Path(folder).glob("pages-*.store"):
        url = note.read_text(encoding="utf-8").strip()
        if url and not is_url(url) and not Path(url).exists():
            gone.add(note.stem.split("-")[1])
    removed = []
    for item in Path(folder).glob("pages-*"):
        if item.name.startswith(keep.stem) or item.suffix == ".store":
            if item.suffix == ".store" and item.stem.split("-")[1] in gone:
                item.unlink(missing_ok=True)
                removed.append(item)
            continue
        if item.name.split("-")[1] in gone and item.suffix != ".building":
            item.unlink(missing_ok=True)
            removed.append(item)
            continue
        if item.suffix == ".building":
            pid = item.name.rsplit(".", 2)[-2]
            if not pid.isdigit() or Path(f"/proc/{pid}").exists():
                continue
        elif item.name.split("-")[1] != store_part:
            continue
        item.unlink(missing_ok=True)
        removed.append(item)
    return removed


def remove_stale_scratch(folder: Path) -> list[Path]:
    """Remove scratch folders left by processes that no longer run (killed, not closed).

    Folders are named `lines-<pid>-<random>` (the per-process scratch of earlier versions);
    one whose process is gone is removed. Returns the folders removed.
    """
    removed = []
    for path in Path(folder).glob("lines-*-*"):
        pid = path.name.split("-")[1]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
