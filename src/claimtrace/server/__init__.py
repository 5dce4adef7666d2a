"""The HTTP API and dashboard (``claimtrace serve``; needs the ``server`` extra).

>>> from claimtrace.server import create_app      # doctest: +SKIP
>>> app = create_app("claimtrace.db")             # doctest: +SKIP
"""

from __future__ import annotations

from claimtrace.server.app import create_app

__all__ = ["create_app"]
