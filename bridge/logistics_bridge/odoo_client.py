"""Minimal JSON-RPC client for Odoo's ``/jsonrpc`` endpoint.

It never retries: the forwarder owns retries (one layer only), so the session has
no urllib3 ``Retry`` adapter, and every call has a timeout.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import requests
import urllib3
from logistics_contract.content import dump_exact

from .config import OdooSettings
from .exceptions import (
    OdooAuthError,
    OdooProtocolError,
    OdooRpcError,
    OdooTimeout,
    OdooUnavailable,
    OdooUnreachable,
)

_logger = logging.getLogger(__name__)


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether no connection was made, so Odoo never saw the request (refused, no route,
    connect timeout), unlike a connection lost or a read timed out once it was sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


class OdooClient:
    """Calls ``execute_kw`` as the configured user; resolves the uid once."""

    def __init__(self, settings: OdooSettings, session: requests.Session | None = None) -> None:
        if not (settings.url and settings.db and settings.login and settings.api_key):
            raise OdooAuthError("odoo url, db, login and api_key must all be configured")
        self._url = settings.url.rstrip("/") + "/jsonrpc"
        self._db = settings.db
        self._login = settings.login
        self._api_key = settings.api_key
        self._timeout = settings.timeout_seconds
        self._probe_timeout = settings.probe_timeout_seconds
        self._session = session or requests.Session()
        self._uid: int | None = None
        self._ids = itertools.count(1)

    def _call(self, service: str, method: str, args: list[Any], timeout: float) -> Any:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(self._ids),
        }
        try:
            # Numbers as the sender wrote them (Decimal text), never through a float.
            response = self._session.post(
                self._url,
                data=dump_exact(body).encode(),
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
        except requests.RequestException as exc:
            if _never_sent(exc):
                raise OdooUnreachable(f"cannot reach Odoo: {type(exc).__name__}") from exc
            if isinstance(exc, requests.Timeout):
                raise OdooTimeout(f"no answer from Odoo within {timeout:g} s") from exc
            raise OdooUnavailable(f"cannot reach Odoo: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise OdooUnavailable(f"Odoo answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise OdooProtocolError("Odoo answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise OdooProtocolError("Odoo's JSON-RPC answer is not an object")
        if answer.get("error") is not None:
            error = answer["error"]
            data = error.get("data") if isinstance(error, dict) else None
            name = data.get("name") if isinstance(data, dict) else None
            message = (data or {}).get("message") if isinstance(data, dict) else None
            text = message or (error.get("message") if isinstance(error, dict) else str(error))
            raise OdooRpcError(f"{name or 'JSON-RPC error'}: {text}")
        # Odoo leaves "result" out when a method returns None.
        return answer.get("result")

    def uid(self) -> int:
        """The authenticated user id (resolved on first use, then cached)."""
        if self._uid is None:
            uid = self._call(
                "common",
                "authenticate",
                [self._db, self._login, self._api_key.get_secret_value(), {}],
                self._timeout,
            )
            if not isinstance(uid, int) or isinstance(uid, bool) or uid <= 0:
                raise OdooAuthError("Odoo refused the configured login/api_key")
            self._uid = uid
        return self._uid

    def execute_kw(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        """Call ``model.method(*args, **kwargs)`` over JSON-RPC."""
        uid = self.uid()
        try:
            return self._call(
                "object",
                "execute_kw",
                [
                    self._db,
                    uid,
                    self._api_key.get_secret_value(),
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
                self._timeout,
            )
        except OdooRpcError:
            # The key may have been rotated or the user disabled: authenticate again next time.
            self._uid = None
            raise

    def ingest_events(self, endpoint: str, events: list[dict[str, Any]]) -> Any:
        """Hand events of one endpoint to ``logistics.ingest.ingest_events``."""
        return self.execute_kw("logistics.ingest", "ingest_events", [endpoint, events], {})

    def probe(self) -> None:
        """Raise ``OdooError`` unless Odoo answers ``common.version`` quickly."""
        self._call("common", "version", [], self._probe_timeout)

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()
