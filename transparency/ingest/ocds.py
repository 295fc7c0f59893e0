"""Open Contracting (OCDS) feeds: recognise them and read them into contract lines.

Accepted as published, recognised from the content (never the file name):

* a release package ``{"releases": [...]}``,
* a record package ``{"records": [...]}`` (each record's ``compiledRelease``, or its
  embedded releases merged when no compiled release is given),
* JSON Lines: one release (or one package, or one record) per line,
* a bare JSON array of releases (or records), and a single release object.

Packages and arrays are read as a stream with ijson, one release at a time. What lines
are made from waits for the rest of its ``ocid`` in a temporary file, so memory grows
with the lines kept, not with the size of the file (a 1 GB release package: peak RSS
about 220 MB).

Mapping (one line per award x supplier):

* Releases with the same ``ocid`` are compiled first, as OCDS prescribes: sorted by
  ``date`` (file order breaks ties) and merged field by field, the later release winning;
  ``awards``, ``contracts``, ``parties`` and ``items`` are merged by ``id``, every other
  list (``suppliers``, ``additionalClassifications`` ...) is replaced whole. So an award
  repeated in the tender, award and contract releases of one process counts once.
* Each award with a ``value`` gives one line per supplier. A contract gives the lines
  instead when its award has no value, or when no award of the process has a value:
  "contracts carry the values". A contract of an award that has a value is not counted
  again. A contract without ``awardID`` in a process with a single award is that
  award's contract. Awards and contracts with status ``unsuccessful`` or ``cancelled``
  are rejected (nothing was bought).
* Joint awards are split equally between the suppliers, to the cent (or to the award's
  own finer precision, at most 4 places), rounding down; the remainder goes to the
  first supplier, so the parts always sum exactly to the award value (`split_amount`).
* ``supplier_country_raw`` is the ``address.countryName`` (or ``countryCode``) of the
  supplier's ``parties`` entry (matched by ``id``), else of the supplier reference itself;
  nothing is guessed (normalising it to ISO 3166 is the ingest pipeline's job).
* The category is the classification of the award's first classified item, else of
  its contracts' items, else of the tender's items; an item's
  ``additionalClassifications`` are used when its main scheme is neither UNSPSC nor CPV
  but an additional one is. UNSPSC codes are used directly; CPV codes are mapped to a
  UNSPSC segment through ``data/reference/cpv_to_unspsc_segment.csv`` (longest CPV
  prefix wins); other schemes keep ``category_code`` null (Not assessable) and the raw
  ``scheme:id`` in ``category_raw``.
* ``award_date`` is the award's ``date``, else the ``dateSigned`` of a contract for it
  (for contract lines: ``dateSigned``, else the award's date).
* ``procurement_method_raw`` is ``tender.procurementMethod``; ``buyer`` is
  ``buyer.name``, else the party with role ``buyer``, else ``tender.procuringEntity``.

Accounting: the unit is the release (for a record package, the record).
``rows_read`` counts them and ``source_row`` is the 1-based release number in the file.
Every release ends up either as the ``source_row`` of at least one line, or in the
rejection report with a reason: errors (with the JSON path), "no award or contract"
(planning and tender releases) or "nothing of its own to load" (its awards are given
again by a later release of the same ocid, which is the one loaded). A release may also
have some awards loaded and others rejected (the pipeline keeps its good awards:
``finish_lines(partial_rows=True)``). This is the rule `transparency.store.count_rows`
checks: rows_read == releases with lines + releases only in the rejection report.

>>> lines, rejections, rows_read = read_ocds("releases.jsonl")   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import pickle
import re
import struct
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import ijson
import numpy as np
import polars as pl

from transparency import limits, schema
from transparency.settings import REFERENCE_DIR

CPV_TABLE = REFERENCE_DIR / "cpv_to_unspsc_segment.csv"

# ISO 4217 codes, current and historic, from the OCDS 1.1 `currency` codelist
# (../shared/data/ocds_codelists_1_1/currency.csv), without XXX ("no currency") and
# XTS ("for testing").
ISO_4217 = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR
ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD
MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STN SVC SYP SZL THB
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VES VND VUV WST XAF XAG XAU
XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWL ADP AFA ALK AOK AON
AOR ARA ARP ARY ATS AYM AZM BAD BEC BEF BEL BGJ BGK BGL BOP BRB BRC BRE BRN BRR BUK BYB BYR
CHC CSD CSJ CSK CYP DDM DEM ECS ECV EEK ESA ESB ESP FIM FRF GEK GHC GHP GNE GNS GQE GRD GWE
GWP HRD IEP ILP ILR ISJ ITL LAJ LSM LTL LTT LUC LUF LUL LVL LVR MGF MLF MRO MTL MTP MVQ MXP
MZE MZM NIC NLG PEH PEI PES PLZ PTE RHD ROK ROL RUR SDD SDP SIT SKK SRG STD SUR TJR TMM TPE
TRL UAK UGS UGW USS UYN UYP VEB VEF VNC XEU XFO XFU XRE YDD YUD YUM YUN ZAL ZMK ZRN ZRZ ZWC
ZWD ZWN ZWR
""".split()
)

# Dates outside these years are impossible in a procurement feed; an award or contract
# date more than this after the date of the release that publishes it is impossible too.
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_AHEAD = timedelta(days=366)
MAX_DECIMALS = 4  # schema.MONEY scale
MAX_AMOUNT = Decimal(10) ** (38 - MAX_DECIMALS)  # schema.MONEY precision
NOT_SPEND = frozenset({"unsuccessful", "cancelled"})

LINE_SCHEMA: dict[str, pl.DataType] = {
    "contract_id": pl.String(),
    "line_id": pl.String(),
    "award_date": pl.Date(),
    "buyer": pl.String(),
    "supplier_id": pl.String(),
    "supplier_name": pl.String(),
    "supplier_country": pl.String(),  # as written; the pipeline normalises it to ISO alpha-3
    "supplier_country_raw": pl.String(),
    "description": pl.String(),
    "category_scheme": pl.String(),
    "category_code": pl.String(),
    "category_raw": pl.String(),
    "procurement_method_raw": pl.String(),
    "amount": schema.MONEY,
    "currency": pl.String(),
    "source_row": pl.Int64(),
}


class NotOcds(ValueError):
    """The whole file cannot be read as OCDS; the message says what was found."""


# --- detection -------------------------------------------------------------------------

_HEAD_BYTES = 1 << 18
_LINE_LIMIT = 64 << 20  # a JSON Lines release longer than 64 MB is not expected
_MARKERS = (b'"ocid"', b'"releases"', b'"records"', b'"compiledRelease"')


def _first_byte(head: bytes) -> bytes:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text[:1]


def looks_like_ocds(path: str | os.PathLike) -> bool:
    """Return True when the file's content is OCDS JSON (package, records, JSON Lines, array).

    Reads only the start of the file: JSON that starts with ``{`` or ``[`` and names
    ``ocid``, ``releases``, ``records`` or ``compiledRelease`` early on.

    >>> looks_like_ocds("export.csv")   # doctest: +SKIP
    False
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    if _first_byte(head) not in (b"{", b"["):
        return False
    return any(marker in head for marker in _MARKERS)


def _sniff(path: Path) -> str:
    """Return 'jsonl', 'array', 'release_package', 'record_package' or 'single'."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    first = _first_byte(head)
    if first == b"[":
        return "array"
    if first != b"{":
        raise NotOcds(f"{path.name}: not JSON (starts with {head[:20]!r}); OCDS is JSON.")
    # JSON Lines: the first non-blank line is a complete JSON value on its own. The line
    # is read up to a limit, so a huge one-line package is still streamed below.
    with open(path, "rb") as fh:
        _skip_bom(fh)
        first_line = b""
        while not first_line.strip():
            first_line = fh.readline(_LINE_LIMIT)
            if not first_line:
                break
    if first_line.endswith(b"\n"):
        try:
            json.loads(first_line)
            return "jsonl"
        except (ValueError, RecursionError):
            pass
    with open(path, "rb") as fh:
        _skip_bom(fh)
        try:
            # basic_parse builds no prefixes: ijson.parse's cost grows with depth squared.
            depth = 0
            for event, value in ijson.basic_parse(fh):
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                elif depth == 1 and event == "map_key" and value in ("releases", "records"):
                    return "release_package" if value == "releases" else "record_package"
        except ijson.JSONError:
            # A broken single document: read it as far as it goes.
            pass
    return "single"


def _skip_bom(fh: io.BufferedReader) -> None:
    if fh.read(3) != b"\xef\xbb\xbf":
        fh.seek(0)


# --- reading units (releases or records) ----------------------------------------------


@dataclass
class _Unit:
    """One release or record as read from the file, or the error that stopped it."""

    number: int  # 1-based, = source_row
    path: str  # JSON path of the unit in the file
    obj: Any = None
    error: str | None = None


def _units(path: Path, kind: str) -> Iterator[_Unit]:
    """Yield the file's releases (or records) one at a time, numbered from 1."""
    if kind == "jsonl":
        yield from _jsonl_units(path)
        return
    if kind == "single":
        try:
            obj = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            yield _Unit(1, "$", error=f"not valid JSON: {exc}")
            return
        counter = iter(range(1, 1 << 62))
        yield from _expand(obj, "$", counter)
        return
    prefix, key = {
        "array": ("item", ""),
        "release_package": ("releases.item", "releases"),
        "record_package": ("records.item", "records"),
    }[kind]
    number = 0
    depth = limits.max_json_depth()
    regions = deep_regions(path, depth, 2 if kind == "array" else 3)
    with open(path, "rb") as raw:
        _skip_bom(raw)
        fh = _Spliced(raw, regions) if regions else raw
        try:
            for obj in ijson.items(fh, prefix, use_float=False):
                number += 1
                where = f"{key}[{number - 1}]"
                if isinstance(obj, str) and obj == TOO_DEEP:
                    error = (
                        f"nested deeper than {depth} levels (TRANSPARENCY_MAX_JSON_DEPTH); "
                        "an OCDS release nests about 8, so this one is not read"
                    )
                    yield _Unit(number, where, error=error)
                    continue
                yield _Unit(number, where, obj)
        except ijson.JSONError as exc:
            number += 1
            yield _Unit(
                number,
                f"{key}[{number - 1}]",
                error=(
                    f"the file is not valid JSON from this release on ({exc}); "
                    "it is truncated or corrupt, so nothing after this point can be read"
                ),
            )


# --- nesting depth: hostile input is cut out before ijson sees it ----------------------
#
# ijson's cost grows with the square of the nesting depth (20,000 levels: 1.5 s; a 2 MB
# file of brackets: about an hour). A vectorised pass over the bytes finds the elements
# of the releases array that nest deeper than the limit, and the reader hands ijson the
# file with each of them replaced by the string `TOO_DEEP`; that release is reported.

TOO_DEEP = "\u0000nested too deeply\u0000"
_TOO_DEEP_JSON = json.dumps(TOO_DEEP).encode()
_SCAN_CHUNK = 1 << 20


def deep_regions(path: str | os.PathLike, limit: int, item_level: int) -> list[tuple[int, int]]:
    """Return byte ranges [start, end) of the containers opened at `item_level` (2: items
    of a top-level array; 3: of a package's releases) inside which nesting passes `limit`.

    Brackets inside strings (escaped quotes included) do not count.

    >>> Path("d.json").write_text('[{"a": 1}, [[[[[[]]]]]], {"b": 2}]')   # doctest: +SKIP
    >>> deep_regions("d.json", 4, 2)                                       # doctest: +SKIP
    [(11, 23)]
    """
    limit = max(limit, item_level + 1)
    regions: list[tuple[int, int]] = []
    depth, in_string, backslashes = 0, False, 0
    last_open, pending = -1, -1
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            a = np.frombuffer(chunk, dtype=np.uint8)
            n = a.size
            quote = np.flatnonzero(a == 34)
            # A quote after an odd run of backslashes is escaped. Runs are short, so they
            # are measured one step back at a time, only for quotes after a backslash.
            run = np.zeros(quote.size, dtype=np.int64)
            if quote.size and quote[0] == 0:
                run[0] = backslashes
            live = np.flatnonzero(quote > 0)
            live = live[a[quote[live] - 1] == 92]
            step = 1
            while live.size:
                run[live] += 1
                step += 1
                at = quote[live] - step
                inside = at >= 0
                run[live[~inside]] += backslashes  # the run began in the previous chunk
                live = live[inside]
                live = live[a[at[inside]] == 92]
            real = quote[run % 2 == 0]
            bracket = np.flatnonzero((a == 91) | (a == 93) | (a == 123) | (a == 125))
            if bracket.size:
                # A bracket is structural when an even number of real quotes precede it.
                quotes_before = np.searchsorted(real, bracket) + int(in_string)
                bracket = bracket[quotes_before % 2 == 0]
            # Carry the string state and a trailing run of backslashes to the next chunk.
            in_string ^= bool(real.size % 2)
            tail = n - len(chunk.rstrip(b"\\"))
            backslashes = tail if tail < n else backslashes + n
            if bracket.size:
                opens = (a[bracket] == 91) | (a[bracket] == 123)
                after = depth + np.cumsum(np.where(opens, 1, -1))
                pos = bracket + offset
                level_opens = pos[opens & (after == item_level)]
                level_closes = pos[~opens & (after == item_level - 1)]
                deep = pos[opens & (after > limit)]
                if pending >= 0:
                    if level_closes.size:
                        end = int(level_closes[0]) + 1
                        regions.append((pending, end))
                        pending = -1
                        deep = deep[deep >= end]
                    else:
                        deep = deep[:0]
                while deep.size:
                    k = np.searchsorted(level_opens, deep[0], side="right") - 1
                    start = int(level_opens[k]) if k >= 0 else last_open
                    c = np.searchsorted(level_closes, deep[0])
                    if c >= level_closes.size:
                        pending = start
                        break
                    end = int(level_closes[c]) + 1
                    regions.append((start, end))
                    deep = deep[deep >= end]
                if level_opens.size:
                    last_open = int(level_opens[-1])
                depth = int(after[-1])
            offset += n
    if pending >= 0:
        regions.append((pending, offset))
    return [r for r in regions if r[0] >= 0]


class _Spliced:
    """A binary file with byte ranges replaced by the JSON string `TOO_DEEP` (read only)."""

    def __init__(self, fh: io.BufferedReader, regions: list[tuple[int, int]]) -> None:
        self._fh = fh
        self._regions = list(regions)
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson reads 0 bytes first to learn bytes from text
        size = size if size > 0 else 1 << 16
        while not self._pending:
            pos = self._fh.tell()
            if self._regions and pos >= self._regions[0][0]:
                start, end = self._regions.pop(0)
                self._fh.seek(end)
                self._pending = _TOO_DEEP_JSON
                break
            stop = self._regions[0][0] if self._regions else pos + size
            data = self._fh.read(max(min(size, stop - pos), 1))
            if not data:
                return b""
            self._pending = data
        out, self._pending = self._pending[:size], self._pending[size:]
        return out


def _jsonl_units(path: Path) -> Iterator[_Unit]:
    counter = iter(range(1, 1 << 62))
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            text = raw.removeprefix(b"\xef\xbb\xbf") if line_no == 1 else raw
            if not text.strip():
                continue
            where = f"line {line_no}"
            try:
                obj = json.loads(text, parse_float=Decimal, parse_constant=str)
            except (ValueError, RecursionError) as exc:
                yield _Unit(next(counter), where, error=f"line is not valid JSON: {exc}")
                continue
            yield from _expand(obj, where, counter)


def _expand(obj: Any, where: str, counter: Iterator[int]) -> Iterator[_Unit]:
    """Yield the releases or records inside one JSON value (a package is opened)."""
    if isinstance(obj, dict) and "ocid" not in obj:
        for key in ("releases", "records"):
            if isinstance(obj.get(key), list):
                for i, item in enumerate(obj[key]):
                    yield _Unit(next(counter), f"{where}.{key}[{i}]", item)
                return
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield _Unit(next(counter), f"{where}[{i}]", item)
        return
    yield _Unit(next(counter), where, obj)


# --- type checks and pruning -----------------------------------------------------------

TEXT, ID, AMOUNT, DATE = "text", "id", "amount", "date"
_ORG = {
    "id": ID,
    "name": TEXT,
    "identifier": {"scheme": TEXT, "id": ID, "legalName": TEXT},
    "address": {"countryName": TEXT, "countryCode": TEXT, "country": TEXT},
    "roles": [TEXT],
}
_CLASSIFICATION = {"scheme": TEXT, "id": ID, "description": TEXT}
_ITEM = {
    "id": ID,
    "description": TEXT,
    "classification": _CLASSIFICATION,
    "additionalClassifications": [_CLASSIFICATION],
}
_VALUE = {"amount": AMOUNT, "currency": TEXT}
_AWARD = {
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "status": TEXT,
    "date": DATE,
    "value": _VALUE,
    "suppliers": [_ORG],
    "items": [_ITEM],
}
_CONTRACT = {
    "id": ID,
    "awardID": ID,
    "title": TEXT,
    "description": TEXT,
    "status": TEXT,
    "dateSigned": DATE,
    "value": _VALUE,
    "suppliers": [_ORG],
    "items": [_ITEM],
}
_RELEASE = {
    "ocid": TEXT,
    "id": ID,
    "date": DATE,
    "buyer": _ORG,
    "parties": [_ORG],
    "tender": {
        "title": TEXT,
        "procurementMethod": TEXT,
        "procuringEntity": _ORG,
        "items": [_ITEM],
    },
}

_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    return "a number"


def _show(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (ValueError, RecursionError):
        return "(too deeply nested to show)"
    return text if len(text) <= 200 else text[:197] + "..."


class _Problems:
    """Errors found while checking one part of a release: (path, value, reason)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, path: str, value: Any, reason: str) -> None:
        self.items.append((path, _show(value), reason))


def parse_amount(value: Any) -> Decimal | None:
    """Return an OCDS amount as Decimal: numbers, or text holding a plain number.

    Empty text is no amount (None). Raises ValueError for anything else.

    >>> parse_amount("1 234") is None
    Traceback (most recent call last):
    ...
    ValueError: not a number
    >>> parse_amount("203179.71")
    Decimal('203179.71')
    """
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise ValueError("not a number")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        if not value.strip():
            return None
        if not _NUMBER.match(value):
            raise ValueError("not a number")
        amount = Decimal(value.strip())
    else:
        raise ValueError("not a number")
    if not amount.is_finite():
        raise ValueError("not a finite number")
    return amount


def parse_date(value: str) -> date:
    """Return the calendar date an OCDS date-time starts with (as written, no time zone shift).

    >>> parse_date("2015-12-30T00:00:00-06:00")
    datetime.date(2015, 12, 30)
    """
    match = _DATE.match(value)
    if not match:
        raise ValueError("not a date (expected YYYY-MM-DD...)")
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def _prune(value: Any, spec: Any, path: str, problems: _Problems) -> Any:
    """Return `value` cut down to `spec`, with text and ids as str; record wrong types."""
    if value is None:
        return None
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            problems.add(path, value, f"expected an object, found {_kind(value)}")
            return None
        out = {}
        for key, sub in spec.items():
            if key in value:
                pruned = _prune(value[key], sub, f"{path}.{key}", problems)
                if pruned is not None:
                    out[key] = pruned
        return out
    if isinstance(spec, list):
        if isinstance(value, dict) and path.endswith(".suppliers") and ".contracts[" in path:
            # contracts[].suppliers is an extension; some publishers give one object.
            value = [value]
        if not isinstance(value, list):
            problems.add(path, value, f"expected an array, found {_kind(value)}")
            return None
        items = [_prune(v, spec[0], f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return [v for v in items if v is not None]
    if spec in (TEXT, ID):
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        problems.add(path, value, f"expected text, found {_kind(value)}")
        return None
    if spec == AMOUNT:
        try:
            amount = parse_amount(value)
        except ValueError as exc:
            problems.add(path, value, f"amount is {exc} (found {_kind(value)})")
            return None
        if amount is not None and abs(amount) >= MAX_AMOUNT:
            problems.add(path, value, "amount is too large (more than 34 digits)")
            return None
        if amount is not None and -amount.as_tuple().exponent > MAX_DECIMALS:
            # More precision than the store keeps: rounding would change the figure.
            problems.add(path, value, f"amount has more than {MAX_DECIMALS} decimal places")
            return None
        return amount
    if spec == DATE:
        if not isinstance(value, str):
            problems.add(path, value, f"expected a date as text, found {_kind(value)}")
            return None
        if not value.strip():
            return None
        try:
            day = parse_date(value)
        except ValueError as exc:
            problems.add(path, value, str(exc))
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.add(path, value, f"impossible date: year {day.year}")
            return None
        return value.strip()
    raise AssertionError(spec)


def _sort_key(release_date: str | None) -> datetime:
    """Return the release date as an aware UTC datetime for ordering (missing = earliest)."""
    if not release_date:
        return datetime.min.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(release_date.replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(release_date)
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _check_currency(value: dict, path: str, problems: _Problems) -> None:
    """Upper-case a value's currency in place; record a missing or invalid one."""
    if value.get("amount") is None:
        return
    raw = value.get("currency")
    if raw is None or not raw.strip():
        problems.add(f"{path}.currency", raw or "", "value has an amount but no currency")
        return
    code = raw.strip().upper()
    if code not in ISO_4217:
        problems.add(f"{path}.currency", raw, f"currency {raw!r} is not an ISO 4217 code")
        return
    value["currency"] = code


@dataclass
class _Fragment:
    """The parts of one release that lines are made from, and where they came from."""

    ocid: str
    number: int
    order: datetime
    data: bytes  # pickled pruned release; spilled to a temporary file while it waits


def _check_release(
    obj: Any, number: int, path: str, rejections: list[tuple]
) -> tuple[_Fragment | None, bool]:
    """Check one release; return its fragment (None when rejected whole) and whether it
    had any award or contract. Problems go to `rejections` with their JSON path."""

    def reject(problems: _Problems) -> None:
        for where, value, reason in problems.items:
            rejections.append((number, where, value, reason))

    if not isinstance(obj, dict):
        problems = _Problems()
        problems.add(path, obj, f"expected a release object, found {_kind(obj)}")
        reject(problems)
        return None, False
    has_parts = bool(obj.get("awards") or obj.get("contracts"))
    ocid = obj.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        problems = _Problems()
        reason = "release has no ocid" if ocid in (None, "") else "ocid is not text"
        problems.add(f"{path}.ocid", ocid if ocid is not None else "", reason)
        reject(problems)
        return None, has_parts
    problems = _Problems()
    release = _prune(obj, _RELEASE, path, problems) or {}
    if problems.items:
        reject(problems)
        return None, has_parts
    release_day = parse_date(release["date"]) if "date" in release else None
    for key, spec, date_key in (("awards", _AWARD, "date"), ("contracts", _CONTRACT, "dateSigned")):
        raw_list = obj.get(key)
        if raw_list is None:
            continue
        if not isinstance(raw_list, list):
            problems.add(f"{path}.{key}", raw_list, f"expected an array, found {_kind(raw_list)}")
            reject(problems)
            return None, has_parts
        kept = []
        for i, raw in enumerate(raw_list):
            where = f"{path}.{key}[{i}]"
            part_problems = _Problems()
            part = _prune(raw, spec, where, part_problems)
            if part is not None:
                if "value" in part:
                    _check_currency(part["value"], f"{where}.value", part_problems)
                when = part.get(date_key)
                if when and release_day and parse_date(when) > release_day + MAX_AHEAD:
                    part_problems.add(
                        f"{where}.{date_key}",
                        when,
                        f"impossible date: more than a year after the release date "
                        f"{release_day.isoformat()}",
                    )
            if part_problems.items:
                reject(part_problems)
                continue
            if part is None:
                continue
            part.setdefault("id", f"#{i + 1}")
            part["_src"], part["_path"] = number, where
            kept.append(part)
        release[key] = kept
    for i, item in enumerate(release.get("tender", {}).get("items", [])):
        item.setdefault("id", f"#{i + 1}")
    fragment = _Fragment(
        ocid=ocid,
        number=number,
        order=_sort_key(release.get("date")),
        data=pickle.dumps(release, protocol=pickle.HIGHEST_PROTOCOL),
    )
    return fragment, has_parts


# --- compiling releases ----------------------------------------------------------------

_MERGED_BY_ID = frozenset({"awards", "contracts", "parties", "items"})


def merge(base: dict, new: dict) -> dict:
    """Merge release `new` into `base` in place (later wins) and return `base`.

    Objects merge key by key; ``awards``, ``contracts``, ``parties`` and ``items`` merge
    by ``id``; any other list is replaced whole.

    >>> merge({"awards": [{"id": "1", "value": 5}]}, {"awards": [{"id": "1", "date": "d"}]})
    {'awards': [{'id': '1', 'value': 5, 'date': 'd'}]}
    """
    for key, value in new.items():
        old = base.get(key)
        if old is None and key in _MERGED_BY_ID and isinstance(value, list):
            # Merged into an empty list, so an id given twice in one release counts once.
            old = base[key] = []
        if isinstance(value, dict) and isinstance(old, dict):
            merge(old, value)
        elif key in _MERGED_BY_ID and isinstance(value, list) and isinstance(old, list):
            index = {str(o.get("id")): o for o in old if isinstance(o, dict)}
            for item in value:
                match = index.get(str(item.get("id"))) if isinstance(item, dict) else None
                if match is None:
                    old.append(item)
                    if isinstance(item, dict):
                        index[str(item.get("id"))] = item
                else:
                    merge(match, item)
        else:
            base[key] = value
    return base


def compile_fragments(fragments: list[_Fragment], spill: _Spill | None = None) -> dict:
    """Return the compiled release of one ocid: its releases merged in date order."""
    ordered = sorted(fragments, key=lambda f: (f.order, f.number))
    compiled: dict = {}
    for fragment in ordered:
        data = spill.get(fragment.data) if spill is not None else fragment.data
        merge(compiled, pickle.loads(data))  # noqa: S301 (our own bytes)
    return compiled


class _Spill:
    """A temporary file holding the fragments until every release of an ocid is read,
    so memory holds only a small key per release, whatever the file's size."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._end = 0

    def put(self, data: bytes) -> bytes:
        """Store `data`; return a 16-byte key (offset, length) to get it back."""
        self._file.seek(self._end)
        self._file.write(data)
        key = struct.pack("<QQ", self._end, len(data))
        self._end += len(data)
        return key

    def get(self, key: bytes) -> bytes:
        offset, length = struct.unpack("<QQ", key)
        self._file.seek(offset)
        return self._file.read(length)

    def close(self) -> None:
        self._file.close()


class _Chunks:
    """Rows gathered as small frames, so a million lines never sit in memory as dicts."""

    def __init__(self, schema_: dict[str, pl.DataType], size: int = 20_000) -> None:
        self.schema, self.size = schema_, size
        self.rows: list = []
        self.frames: list[pl.DataFrame] = []

    def add(self, rows: list) -> None:
        self.rows += rows
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.frames.append(pl.DataFrame(self.rows, schema=self.schema, orient="row"))
            self.rows = []

    def frame(self) -> pl.DataFrame:
        self.flush()
        if not self.frames:
            return pl.DataFrame(schema=self.schema)
        return pl.concat(self.frames, rechunk=True)


# --- categories ------------------------------------------------------------------------


@functools.cache
def cpv_table() -> dict[str, str]:
    """Return CPV prefix -> UNSPSC segment from `data/reference/cpv_to_unspsc_segment.csv`."""
    with open(CPV_TABLE, encoding="utf-8", newline="") as fh:
        return {row["cpv_prefix"]: row["unspsc_segment"] for row in csv.DictReader(fh)}


def cpv_to_unspsc(code: str) -> str | None:
    """Return the UNSPSC segment of a CPV code (longest prefix in the table), or None.

    >>> cpv_to_unspsc("18330000-1")   # division 18 clothing -> segment 53 apparel
    '53'
    >>> cpv_to_unspsc("03115100-1")   # raw cotton: category 03115 -> segment 11
    '11'
    """
    digits = re.sub(r"\D", "", code.split("-")[0])
    if len(digits) != 8:
        return None
    table = cpv_table()
    for length in range(8, 1, -1):
        segment = table.get(digits[:length])
        if segment is not None:
            return segment
    return None


def unspsc_code(raw: str) -> str | None:
    """Return a UNSPSC code (2, 4, 6 or 8 digits; 10 digits keep the first 8) or None.

    >>> unspsc_code("43211501"), unspsc_code("43.21.15.01"), unspsc_code("4321150199")
    ('43211501', '43211501', '43211501')
    """
    text = raw.strip()
    if not re.fullmatch(r"[0-9][0-9\s.\-/]*", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10:
        digits = digits[:8]
    if len(digits) not in (2, 4, 6, 8) or digits.startswith("00"):
        return None
    return digits


def _scheme(classification: dict) -> str:
    return classification.get("scheme", "").strip().upper()


def _category(items: list[dict]) -> tuple[str | None, str | None, str | None]:
    """Return (category_scheme, category_code, category_raw) for a list of items."""
    chosen = None
    for item in items:
        main = item.get("classification")
        candidates = [main] if main else []
        candidates += item.get("additionalClassifications", [])
        for classification in candidates:
            if _scheme(classification) in ("UNSPSC", "CPV") and classification.get("id"):
                chosen = classification
                break
        if chosen is None and main:
            chosen = main
        if chosen is not None and _scheme(chosen) in ("UNSPSC", "CPV"):
            break
    if chosen is None:
        return None, None, None
    scheme_raw = chosen.get("scheme", "").strip() or None
    ident = chosen.get("id", "").strip()
    label = f"{scheme_raw}:" if scheme_raw else ""
    description = chosen.get("description", "").strip()
    raw = f"{label}{ident}" if ident else f"{label} (no id) {description}".strip()
    scheme = _scheme(chosen)
    if scheme == "UNSPSC":
        return "UNSPSC", unspsc_code(ident) if ident else None, raw
    if scheme == "CPV":
        return "CPV", cpv_to_unspsc(ident) if ident else None, raw
    return scheme_raw, None, raw


# --- lines -----------------------------------------------------------------------------


def split_amount(amount: Decimal, parts: int) -> list[Decimal]:
    """Split `amount` into `parts` equal shares; the first takes the remainder.

    Shares are rounded down to the cent (or to the amount's own finer precision), so
    the shares always sum exactly to `amount`.

    >>> split_amount(Decimal("100.00"), 3)
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    """
    if parts <= 1:
        return [amount]
    exponent = min(amount.as_tuple().exponent, -2)
    quantum = Decimal(1).scaleb(exponent)
    share = (amount / parts).quantize(quantum, rounding=ROUND_DOWN)
    return [amount - share * (parts - 1)] + [share] * (parts - 1)


@dataclass
class _Context:
    """What one compiled release (one ocid) shares between its lines."""

    ocid: str
    buyer: str | None
    method: str | None
    tender_title: str | None
    tender_items: list[dict]
    parties: dict[str, dict]
    lines: list[dict] = field(default_factory=list)
    rejections: list[tuple] = field(default_factory=list)


def _buyer(release: dict) -> str | None:
    name = release.get("buyer", {}).get("name", "").strip()
    if name:
        return name
    for party in release.get("parties", []):
        if "buyer" in party.get("roles", []) and party.get("name", "").strip():
            return party["name"].strip()
    name = release.get("tender", {}).get("procuringEntity", {}).get("name", "").strip()
    return name or None


def _country(org: dict) -> str | None:
    address = org.get("address", {})
    for key in ("countryName", "countryCode", "country"):
        value = address.get(key)
        if value is not None and value.strip():
            return value
    return None


def _supplier(org: dict, parties: dict[str, dict]) -> tuple[str | None, str | None, str | None]:
    """Return (supplier_id, supplier_name, country_raw) from a reference and its party."""
    party = parties.get(org["id"], {}) if "id" in org else {}
    legal = (org.get("identifier") or party.get("identifier") or {}).get("legalName")
    name = _first_text(org.get("name"), party.get("name"), legal)
    ident = org.get("id")
    if ident is None:
        identifier = org.get("identifier") or party.get("identifier") or {}
        if identifier.get("id"):
            ident = f"{identifier.get('scheme', '')}-{identifier['id']}".lstrip("-")
    country = _country(party) or _country(org)
    return ident, name, country


def _emit(
    ctx: _Context,
    part: dict,
    suppliers: list[dict],
    when: str | None,
    items: list[dict],
    description: str | None,
) -> None:
    """Add the lines of one award or contract (one per supplier), or its rejection."""
    path, number = part["_path"], part["_src"]
    if when is None:
        ctx.rejections.append(
            (number, f"{path}.date", "", "no award date, and no contract for it has a dateSigned")
        )
        return
    if not suppliers:
        ctx.rejections.append((number, f"{path}.suppliers", "", "no supplier is named"))
        return
    resolved = [_supplier(s, ctx.parties) for s in suppliers]
    for j, (_ident, name, _country_raw) in enumerate(resolved):
        if name is None:
            ctx.rejections.append(
                (
                    number,
                    f"{path}.suppliers[{j}].name",
                    suppliers[j].get("id", ""),
                    "supplier has no name, here or in parties",
                )
            )
            return
    value = part["value"]
    scheme, code, raw = _category(items)
    shares = split_amount(value["amount"], len(resolved))
    award_day = parse_date(when)
    for j, ((ident, name, country_raw), share) in enumerate(zip(resolved, shares, strict=True)):
        ctx.lines.append(
            {
                "contract_id": f"{ctx.ocid}/{part['id']}",
                "line_id": str(j + 1),
                "award_date": award_day,
                "buyer": ctx.buyer,
                "supplier_id": ident,
                "supplier_name": name,
                "supplier_country": country_raw,
                "supplier_country_raw": country_raw,
                "description": description,
                "category_scheme": scheme,
                "category_code": code,
                "category_raw": raw,
                "procurement_method_raw": ctx.method,
                "amount": share,
                "currency": value["currency"],
                "source_row": number,
            }
        )


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


def _has_value(part: dict) -> bool:
    return part.get("value", {}).get("amount") is not None


def _status(part: dict) -> str:
    return (part.get("status") or "").strip().lower()


def lines_of(release: dict) -> tuple[list[dict], list[tuple]]:
    """Return (lines, rejections) of one compiled release; rejections are
    (source_row, JSON path, value, reason)."""
    tender = release.get("tender", {})
    ctx = _Context(
        ocid=release["ocid"],
        buyer=_buyer(release),
        method=_first_text(tender.get("procurementMethod")),
        tender_title=_first_text(tender.get("title")),
        tender_items=tender.get("items", []),
        parties={p["id"]: p for p in release.get("parties", []) if "id" in p},
    )
    awards = release.get("awards", [])
    contracts = release.get("contracts", [])
    by_award: dict[str, list[dict]] = defaultdict(list)
    for contract in contracts:
        if "awardID" not in contract and len(awards) == 1:
            # A contract must name its award; when it does not and the process has one
            # award only, it can only be that award's contract.
            contract["awardID"] = awards[0]["id"]
        if "awardID" in contract:
            by_award[contract["awardID"]].append(contract)
    valued_awards = {a["id"] for a in awards if _has_value(a)}
    award_by_id = {a["id"]: a for a in awards}

    for award in awards:
        linked = by_award.get(award["id"], [])
        if not _has_value(award):
            if not any(_has_value(c) for c in linked):
                ctx.rejections.append(
                    (
                        award["_src"],
                        f"{award['_path']}.value",
                        "",
                        "award has no value, and no contract for it has one",
                    )
                )
            continue
        if _status(award) in NOT_SPEND:
            ctx.rejections.append(
                (
                    award["_src"],
                    f"{award['_path']}.status",
                    award["status"],
                    f"award status is {award['status']!r}: nothing was bought",
                )
            )
            continue
        when = award.get("date") or next(
            (c["dateSigned"] for c in linked if c.get("dateSigned")), None
        )
        items = award.get("items", []) + [i for c in linked for i in c.get("items", [])]
        items += ctx.tender_items
        description = _first_text(
            award.get("title"),
            award.get("description"),
            *(c.get("title") for c in linked),
            ctx.tender_title,
        )
        _emit(ctx, award, award.get("suppliers", []), when, items, description)

    for contract in contracts:
        # Contracts carry the values only for awards without one (or when no award has
        # one); otherwise the award is the line and its contracts would count it twice.
        award_id = contract.get("awardID")
        if not _has_value(contract) or award_id in valued_awards:
            continue
        if valued_awards and award_id not in award_by_id:
            continue
        if _status(contract) in NOT_SPEND:
            ctx.rejections.append(
                (
                    contract["_src"],
                    f"{contract['_path']}.status",
                    contract["status"],
                    f"contract status is {contract['status']!r}: nothing was bought",
                )
            )
            continue
        award = award_by_id.get(contract.get("awardID", ""), {})
        suppliers = contract.get("suppliers") or award.get("suppliers", [])
        when = contract.get("dateSigned") or award.get("date")
        items = contract.get("items", []) + award.get("items", []) + ctx.tender_items
        description = _first_text(
            contract.get("title"),
            contract.get("description"),
            award.get("title"),
            ctx.tender_title,
        )
        _emit(ctx, contract, suppliers, when, items, description)
    return ctx.lines, ctx.rejections


# --- the reader ------------------------------------------------------------------------


def _record_fragments(
    obj: Any, unit: _Unit, rejections: list[tuple]
) -> tuple[list[_Fragment], bool]:
    """Return the fragments of one record: its compiledRelease, else its releases."""
    compiled = obj.get("compiledRelease")
    if compiled is not None:
        fragment, has_parts = _check_release(
            compiled, unit.number, f"{unit.path}.compiledRelease", rejections
        )
        return ([fragment] if fragment else []), has_parts
    releases = obj.get("releases")
    embedded = [r for r in releases or [] if isinstance(r, dict) and "ocid" in r]
    if not isinstance(releases, list) or not embedded:
        rejections.append(
            (
                unit.number,
                unit.path,
                obj.get("ocid", ""),
                "record has no compiledRelease and no embedded releases (only links)",
            )
        )
        return [], False
    fragments, any_parts = [], False
    for j, release in enumerate(releases):
        fragment, has_parts = _check_release(
            release, unit.number, f"{unit.path}.releases[{j}]", rejections
        )
        any_parts |= has_parts
        if fragment:
            fragments.append(fragment)
    return fragments, any_parts


def _is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and (
        "compiledRelease" in obj or isinstance(obj.get("releases"), list)
    )


def read_ocds(path: str | os.PathLike) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Read an OCDS file into (lines, rejections, rows_read).

    `lines` has the columns of `LINE_SCHEMA` (canonical names; countries, methods and
    FX still to be normalised by the ingest pipeline); `rejections` has the
    `schema.REJECTION` columns, with the JSON path in `column`; `rows_read` counts the
    releases (records, for a record package). Raises `NotOcds` when the file is not
    JSON at all.
    """
    path = Path(path)
    kind = _sniff(path)
    rejections: list[tuple] = []
    groups: dict[str, list[_Fragment]] = defaultdict(list)
    unit_info: list[tuple[int, str, str | None, bool]] = []  # number, path, ocid, has parts
    rows_read = 0
    spill = _Spill()
    try:
        for unit in _units(path, kind):
            rows_read += 1
            if unit.error is not None:
                rejections.append((unit.number, unit.path, "", unit.error))
                unit_info.append((unit.number, unit.path, None, False))
                continue
            if _is_record(unit.obj):
                fragments, has_parts = _record_fragments(unit.obj, unit, rejections)
                # A record is compiled on its own: its releases share one source row.
                key = f"record {unit.number}"
            else:
                fragment, has_parts = _check_release(unit.obj, unit.number, unit.path, rejections)
                fragments = [fragment] if fragment else []
                key = fragment.ocid if fragment else ""
            for fragment in fragments:
                fragment.data = spill.put(fragment.data)
                groups[key].append(fragment)
            ocid = unit.obj.get("ocid") if isinstance(unit.obj, dict) else None
            unit_info.append(
                (unit.number, unit.path, ocid if isinstance(ocid, str) else None, has_parts)
            )

        lines = _Chunks(LINE_SCHEMA)
        seen_rows: set[int] = set()
        for key in list(groups):
            new_lines, new_rejections = lines_of(compile_fragments(groups.pop(key), spill))
            lines.add([tuple(line[c] for c in LINE_SCHEMA) for line in new_lines])
            seen_rows.update(line["source_row"] for line in new_lines)
            rejections += new_rejections
    finally:
        spill.close()

    _account_for_the_rest(unit_info, seen_rows, rejections)
    lines_frame = lines.frame().sort("source_row", "contract_id", "line_id", maintain_order=True)
    rejection_frame = pl.DataFrame(
        [(path.name, n, col, val, reason) for n, col, val, reason in rejections],
        schema=schema.REJECTION,
        orient="row",
    ).sort("source_row", maintain_order=True)
    return lines_frame, rejection_frame, rows_read


def _account_for_the_rest(
    unit_info: list[tuple[int, str, str | None, bool]],
    line_rows: set[int],
    rejections: list[tuple],
) -> None:
    """Give every release that neither yields a line nor has a rejection its reason."""
    seen = line_rows | {r[0] for r in rejections}
    seen_by_ocid: dict[str, set[int]] = defaultdict(set)
    for number, _path, ocid, _parts in unit_info:
        if ocid is not None and number in seen:
            seen_by_ocid[ocid].add(number)
    for number, where, ocid, has_parts in unit_info:
        if number in seen:
            continue
        if not has_parts:
            reason = "no award or contract in this release (planning or tender stage): no spend"
        else:
            others = sorted(seen_by_ocid.get(ocid or "", set()) - {number})
            later = ", ".join(str(n) for n in others[:5]) or "another release"
            reason = (
                f"nothing of its own to load: the awards and contracts of ocid {ocid} are "
                f"counted in release {later} (a later release wins; a contract of an award "
                "that has a value is not counted again)"
            )
        rejections.append((number, where, ocid or "", reason))
