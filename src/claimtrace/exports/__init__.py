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


def write_csv(store: Store, out: str) -> None:
    """One CSV per table into the directory ``out``, or into a zip archive when ``out`` ends in ``.zip``."""
    import os
    import shutil
    import tempfile
    import zipfile

    from claimtrace.exports.tables import export_csv

    data = build_export(store)
    if not out.lower().endswith(".zip"):
        export_csv(data, out)
        return
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        export_csv(data, tmp)
        with zipfile.ZipFile(out + ".part", "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(os.listdir(tmp)):
                zf.write(os.path.join(tmp, name), name)
    shutil.move(out + ".part", out)


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

__all__ = ["EXPORTERS", "Exporter", "build_export", "export", "register"]


def register(name: str, writer: Exporter) -> None:
    """Make ``writer`` available as export format ``name``."""
    EXPORTERS[name] = writer


def export(store: Store, fmt: str, out: str) -> None:
    """Write ``store`` in format ``fmt`` to ``out``; an unknown format raises a clear error."""
    writer = EXPORTERS.get(fmt)
    if writer is None:
        raise ClaimtraceError(E031, fmt=fmt, choices=", ".join(sorted(EXPORTERS)))
    writer(store, out)
