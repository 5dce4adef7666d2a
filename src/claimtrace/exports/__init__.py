"""Exports: every format is a function ``(store, out) -> None`` registered in :data:`EXPORTERS`.

Add a format by registering it here (or calling :func:`register` from its module):
``EXPORTERS["graphml"] = write_graphml``. ``claimtrace export --format NAME`` offers every key.

``json`` is CONTRACT.md, ``jsonl`` the same records one per line (see
:mod:`claimtrace.exports.contract`); ``csv`` writes one CSV per table
(:mod:`claimtrace.exports.tables`) into the directory ``out``, or into one zip archive
when ``out`` ends in ``.zip``.
"""

from __future__ import annotations

from collections.abc import Callable

from claimtrace.errors import E031, ClaimtraceError
from claimtrace.exports.contract import build_export, write_json, write_jsonl
from claimtrace.store.base import Store

Exporter = Callable[[Store, str], None]


def write_csv(store: Store, out: str, *, raw: bool = False) -> None:
    """One CSV per table into the directory ``out``, or into a zip archive when ``out`` ends in ``.zip``.

    Formula-like text cells are neutralised unless ``raw`` (see :func:`claimtrace.exports.tables.safe_cell`).
    """
    import os
    import tempfile
    import zipfile

    from claimtrace.exports.atomic import atomic_file
    from claimtrace.exports.tables import export_csv

    data = build_export(store)
    if not out.lower().endswith(".zip"):
        export_csv(data, out, raw=raw)
        return
    with tempfile.TemporaryDirectory() as tmp, atomic_file(out) as part:
        folder = os.path.join(tmp, "tables")
        export_csv(data, folder, raw=raw)
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(os.listdir(folder)):
                zf.write(os.path.join(folder, name), name)


#: Formats whose writer takes ``raw=True`` (cells written as they are, not spreadsheet-safe).
RAW_FORMATS = frozenset({"csv"})

#: Export format name -> writer. ``json`` is the contract (CONTRACT.md); the rest derive from it.
EXPORTERS: dict[str, Exporter] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
}


def _register_derived() -> None:
    """Formats built from the export dict: Parquet tables, GraphML/GEXF graphs, ClaimReview JSON-LD."""
    from claimtrace.exports.claimreview import write_claimreview
    from claimtrace.exports.graph import write_gexf, write_graphml
    from claimtrace.exports.tables import write_parquet

    EXPORTERS.update(
        parquet=write_parquet, graphml=write_graphml, gexf=write_gexf, claimreview=write_claimreview
    )


_register_derived()

__all__ = ["EXPORTERS", "RAW_FORMATS", "Exporter", "build_export", "export", "register"]


def register(name: str, writer: Exporter) -> None:
    """Make ``writer`` available as export format ``name``."""
    EXPORTERS[name] = writer


def export(store: Store, fmt: str, out: str, *, raw: bool = False) -> None:
    """Write ``store`` in format ``fmt`` to ``out``; an unknown format raises a clear error.

    ``raw`` writes CSV cells as they are (no formula neutralising); other formats ignore it.
    """
    writer = EXPORTERS.get(fmt)
    if writer is None:
        raise ClaimtraceError(E031, fmt=fmt, choices=", ".join(sorted(EXPORTERS)))
    if raw and fmt in RAW_FORMATS:
        write_csv(store, out, raw=True)
        return
    writer(store, out)
