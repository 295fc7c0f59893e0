"""The model file and the reference files it names, together: load both, fingerprint them,
list the editions the figures rest on.

>>> len(model_fingerprint())
16
>>> editions()["tip_year_rule"] in ("award_year", "latest")
True
"""

from __future__ import annotations

from pathlib import Path

from transparency.risk import model as risk_model
from transparency.risk import reference
from transparency.risk.model import RiskModel

__all__ = ["editions", "load", "model_fingerprint"]


def load(
    model_path: str | Path | None = None, reference_dir: str | Path | None = None
) -> tuple[RiskModel, reference.Reference]:
    """Read and check the model and its reference files (raises `RiskModelError`)."""
    model = risk_model.load(model_path)
    ref = reference.load(model, reference_dir)
    return model, ref


def model_fingerprint(
    model_path: str | Path | None = None, reference_dir: str | Path | None = None
) -> str:
    """Return a short hash of the model file and every reference file it uses."""
    path, data = risk_model.read_bytes(model_path)
    model = risk_model.parse(path, risk_model.read_toml(path, data))
    folder = reference.reference_dir(reference_dir)
    files = model.reference_files
    paths = [p for k in sorted(risk_model.PATTERN_KEYS) for p in sorted(folder.glob(files[k]))]
    paths += [folder / files[k] for k in sorted(files) if k not in risk_model.PATTERN_KEYS]
    chunks = [("risk_model.toml", data)]
    for p in paths:
        chunks.append((p.name, p.read_bytes() if p.exists() else b""))
    return risk_model.fingerprint_bytes(chunks)


def editions(model_path: str | Path | None = None, reference_dir: str | Path | None = None) -> dict:
    """Return the editions the figures rest on, for reports.

    Keys: model_name, model_version, fingerprint, tip_years (list), tip_year_rule,
    dol_edition, dol_list (what the DOL table holds), ilab_findings_year, tip_files (list),
    and one key per reference file the figures use, `file <name>`: its list, edition and
    as-of date from the manifest (`reference_manifest.csv`), or "not in the manifest".
    """
    model, ref = load(model_path, reference_dir)
    out = {
        "model_name": model.name,
        "model_version": model.version,
        "fingerprint": model_fingerprint(model_path, reference_dir),
        "tip_years": ref.tip_years(),
        "tip_year_rule": model.tip_year_rule,
        "tip_files": sorted(ref.tip.get_column("file").unique().to_list()),
        "dol_edition": ref.dol_edition(),
        "ilab_findings_year": ref.ilab_year(),
        "dol_list": ref.dol_label,
    }
    for name, text in manifest_lines(model, ref).items():
        out[f"file {name}"] = text
    return out


def manifest_lines(model: RiskModel, ref: reference.Reference) -> dict[str, str]:
    """Return, for each reference file the figures use, "list: edition (as of date)"."""
    path = ref.folder / model.reference_files["manifest"]
    entries = {}
    if path.exists():
        for row in reference.read_manifest(path).iter_rows(named=True):
            entries[row["file"]] = f"{row['list']}: {row['edition']} (as of {row['as_of']})"
    return {p.name: entries.get(p.name, "not in the manifest") for p in ref.files if p != path}
