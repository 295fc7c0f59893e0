"""Importing purchasing exports: CSV, XLSX, Parquet (and OCDS when its reader is present).

>>> from transparency.ingest import import_file, ImportRefused   # doctest: +SKIP
>>> import_file("export.csv", Store("data/store"), mapping="my_erp.toml")  # doctest: +SKIP
"""

from transparency.ingest.pipeline import ImportRefused, ImportResult, finish_lines, import_file

__all__ = ["ImportRefused", "ImportResult", "finish_lines", "import_file"]
