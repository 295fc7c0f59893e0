"""Readers: CSV, XLSX and Parquet files as text columns, whole or in pieces."""
