"""Shared fixtures for the reader tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def _warc(path: Path, *, gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = (FIX / "article.html").read_bytes()
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i in range(2):
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                f"https://harbor-ledger.example/news/{i}",
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
            )
        )
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://harbor-ledger.example/logo.png",
            "response",
            payload=io.BytesIO(b"\x89PNG...."),
            http_headers=headers,
        )
    )
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


@pytest.fixture
def make_warc() -> Callable[..., bytes]:
    """Write a small WARC (two HTML responses and an image) to a path; return its bytes."""
    return _warc
