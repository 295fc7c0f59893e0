"""Importing purchasing exports: CSV, XLSX, Parquet (and OCDS when its reader is present).

Modules, in the order a file goes through them: `pipeline` (the driver: `import_file`,
the file's hash, the batch), `readers` (CSV, XLSX, Parquet; format detection, pieces),
`stream` (chunk by chunk: numbered rows, blank and ragged rows out), `duplicates`
(exact duplicate rows), `mapping` and `columns` (headings to canonical columns),
`normalise` (`finish_lines`: text, amounts, dates, currency, country, category, USD),
`validate` (rejection rows), `refusals` (whole-file refusals), `ocds` (OCDS feeds).

>>> from transparency.ingest import import_file, ImportRefused   # doctest: +SKIP
>>> import_file("export.csv", Store("data/store"), mapping="my_erp.toml")  # doctest: +SKIP
"""

from transparency.ingest.normalise import finish_lines
from transparency.ingest.pipeline import ImportResult, import_file
from transparency.ingest.refusals import ImportRefused

__all__ = ["ImportRefused", "ImportResult", "finish_lines", "import_file"]
