"""Integrity red flags and supplier screening (issue #18); no Streamlit here.

- `config`: `data/screening.toml` (lists, name rules, thresholds);
- `names`: normalised names; `lists`: the lists as one table of entries; `matcher`: rapidfuzz;
- `candidates`: screening the store's suppliers; `decisions`: the append-only review record;
- `flags`: the red flags of `data/red_flags.toml`, each a query `queries/red_flag_<key>.sql`.

A screening match is a candidate for review and a red flag a signal, never a finding.
"""
