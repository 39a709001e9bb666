"""Per-endpoint dispatch: which verifier authenticates a request and which format reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .auth import RequestVerifier, build_verifier
from .endpoints import EndpointSettings
from .formats import Decoder, build_decoder

RouteSource = Literal["bootstrap", "cache", "odoo"]


@dataclass(frozen=True)
class EndpointRoute:
    """The verifier and the format of one endpoint code."""

    format: str
    verifier: RequestVerifier
    decoder: Decoder

    @property
    def content_types(self) -> tuple[str, ...]:
        """The Content-Types this endpoint accepts (first one preferred)."""
        return self.decoder.content_types


def endpoint_url(public_base_url: str | None, code: str) -> str | None:
    """The URL senders call for ``code`` (what a recipe's ``{url}`` signs), if known."""
    if public_base_url is None:
        return None
    return f"{public_base_url.rstrip('/')}/v1/in/{code}"


def build_route(
    code: str,
    endpoint: EndpointSettings,
    tolerance_seconds: int,
    public_base_url: str | None = None,
) -> EndpointRoute:
    """The route of one configured endpoint."""
    decoder = build_decoder(code, endpoint)
    verifier = build_verifier(endpoint.auth, tolerance_seconds, endpoint_url(public_base_url, code))
    return EndpointRoute(endpoint.format, verifier, decoder)


def build_routes(
    endpoints: Mapping[str, EndpointSettings],
    tolerance_seconds: int,
    public_base_url: str | None = None,
) -> dict[str, EndpointRoute]:
    """One route per configured endpoint code."""
    return {
        code: build_route(code, endpoint, tolerance_seconds, public_base_url)
        for code, endpoint in endpoints.items()
    }


@dataclass(frozen=True)
class RouteTable:
    """The endpoints a bridge serves and where they come from, replaced as a whole.

    ``version`` is the registry version (None for the TOML bootstrap); ``source`` says
    whether they were read from the TOML, the registry cache or Odoo itself.
    """

    endpoints: Mapping[str, EndpointSettings]
    routes: Mapping[str, EndpointRoute]
    version: int | None
    source: RouteSource


def request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """The request's headers from a WSGI environ, by lower-case name (``x-hmac-signature``,
    ``content-type``), as the HTTP front hands them to ``BridgeApp.front_answer``."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if isinstance(environ.get(key), str):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers
