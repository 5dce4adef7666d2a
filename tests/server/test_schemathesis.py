"""Property-based API tests from the OpenAPI document (schemathesis): no case fails any check.

Every operation of ``/openapi.json`` gets generated requests, valid and invalid; each response
must be no server error, carry a documented status code and content type, match its
response schema, reject what the schema forbids and accept what it allows. Operations are
driven through schemathesis's Python API (its pytest plugin does not run under pytest 9).
Skipped when schemathesis (the ``test`` extra) is not installed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("schemathesis")

import schemathesis
from _server_fixtures import build, fake_encode
from hypothesis import HealthCheck, given, settings

from claimtrace.server import create_app

#: Generated cases per operation (about 20 operations; the whole test stays well under a minute);
#: ``SCHEMATHESIS_EXAMPLES`` asks for more in a longer run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    info = build(Path(tmp_path_factory.mktemp("schemathesis")) / "s.db", hostile=True)
    app = create_app(info["db"], encode=fake_encode)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_conforms_to_its_openapi_document(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"GET /api/search", "POST /api/match", "GET /api/narratives/{narrative_id}"} <= labels
    cases: list[str] = []
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate()
            cases.append(case.operation.label)

        try:
            check()
        except Exception as exc:
            raise AssertionError(f"{op.label}: {exc}") from exc
    print(f"schemathesis: {len(cases)} cases over {len(operations)} operations, no failure")
