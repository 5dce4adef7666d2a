"""Cross-document entity linking on ECB+ (dev and train): B-cubed of the linker and two references.

usage: python benchmarks/linking_ecbplus.py [--dir ../shared/benchdata/ecbplus_coref] [--splits dev train]

Prints one JSON line per split from :func:`claimtrace.evaluation.ecbplus_coref.evaluate_linking`
(the same figures as ``claimtrace eval linking --ecbplus-coref DIR --split S``): the linker over
the whole split (``corpus``), cut by topic (``within_topic``), and the references ``keys_only``
(per-document keys, no corpus linking) and ``same_string``. Run it under the baseline checkout
(``PYTHONPATH=<baseline>/src``, with this module copied in) for a before/after. Skips (exit 0) when
the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimtrace.evaluation.ecbplus_coref import evaluate_linking

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/benchdata/ecbplus_coref"


def main() -> None:
    """Score each split and print its JSON line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", type=Path, default=DEFAULT)
    p.add_argument("--splits", nargs="+", default=["dev", "train"])
    args = p.parse_args()
    if not args.dir.is_dir():
        print(f"skipped: {args.dir} not found", file=sys.stderr)
        return
    for split in args.splits:
        print(json.dumps(evaluate_linking(args.dir, split)), flush=True)


if __name__ == "__main__":
    main()
