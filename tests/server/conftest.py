"""Fixtures for the API and dashboard tests: the fictional corpus of _server_fixtures.py."""

from __future__ import annotations

from typing import Any

import pytest
from _server_fixtures import build


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fictional corpus (with the hostile document) in a module-wide temporary database."""
    return build(tmp_path_factory.mktemp("server") / "c.db", hostile=True)
