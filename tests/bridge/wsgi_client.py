"""Calls a bridge's WSGI application in-process (no socket), for rule and property tests."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from conftest import SECRET_A, signed_headers


@dataclass
class Answer:
    """What the application answered."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    app: Any,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> Answer:
    """One request through ``app``; header names as on the wire (``webhook-id``)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ[f"HTTP_{key}"] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(response_headers)

    chunks = app(environ, start_response)
    return Answer(seen["status"], seen["headers"], b"".join(chunks))


def signed_call(
    app: Any,
    body: bytes | str,
    *,
    endpoint: str = "acme",
    secret: str = SECRET_A,
    **overrides: str,
) -> Answer:
    """POST ``body`` (text, or bytes that decode as UTF-8) signed for ``endpoint``;
    ``overrides`` replace headers after signing (``webhook_id=...`` for ``webhook-id``)."""
    raw = body.encode() if isinstance(body, str) else body
    headers = signed_headers(raw.decode("utf-8"), secret)
    headers.update({name.replace("_", "-"): value for name, value in overrides.items()})
    return call(app, f"/v1/tms/{endpoint}/events", raw, headers)
