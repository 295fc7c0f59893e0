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

Modules: `model` (codes, bounds, line columns), `detect` (is it OCDS, which shape),
`units` (releases or records one at a time) with `depth` (the nesting guard), `checks`
(type checks and pruning), `compiling` (merging one ocid's releases), `classification`
(UNSPSC and CPV), `lines` (lines of one compiled release), `reader` (`read_ocds`).
"""

from transparency.ingest.ocds.checks import parse_amount, parse_date
from transparency.ingest.ocds.classification import cpv_table, cpv_to_unspsc, unspsc_code
from transparency.ingest.ocds.compiling import compile_fragments, merge
from transparency.ingest.ocds.depth import TOO_DEEP, deep_regions
from transparency.ingest.ocds.detect import looks_like_ocds
from transparency.ingest.ocds.lines import lines_of, split_amount
from transparency.ingest.ocds.model import CPV_TABLE, ISO_4217, LINE_SCHEMA, NotOcds
from transparency.ingest.ocds.reader import read_ocds

__all__ = [
    "CPV_TABLE",
    "ISO_4217",
    "LINE_SCHEMA",
    "TOO_DEEP",
    "NotOcds",
    "compile_fragments",
    "cpv_table",
    "cpv_to_unspsc",
    "deep_regions",
    "lines_of",
    "looks_like_ocds",
    "merge",
    "parse_amount",
    "parse_date",
    "read_ocds",
    "split_amount",
    "unspsc_code",
]
