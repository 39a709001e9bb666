"""Exception hierarchy of the bridge: one root, one subclass per failure kind."""

from __future__ import annotations


class BridgeError(Exception):
    """Root of every error raised by the bridge."""


class ConfigError(BridgeError):
    """The configuration is invalid or incomplete."""


class RegistryInvalid(BridgeError):
    """A registry document (from Odoo or the cache) cannot be served; the message says why."""


class InboxError(BridgeError):
    """The inbox could not be read or written."""


class InboxSchemaTooNew(InboxError):
    """The inbox was migrated by a newer bridge than this one."""


class UnsupportedInboxUrl(InboxError):
    """The inbox URL names a scheme the bridge cannot store to."""


class OdooError(BridgeError):
    """Forwarding to Odoo failed as a whole (never a per-event answer)."""


class OdooUnavailable(OdooError):
    """Odoo could not be reached, timed out or answered with an HTTP error."""


class OdooUnreachable(OdooUnavailable):
    """No connection to Odoo could be made: the request never reached it (Odoo stopped,
    restarting, or the network down), so nothing about the batch's size is learnt."""


class OdooTimeout(OdooUnavailable):
    """Odoo got the request but did not answer within the timeout: it may still be
    applying the batch."""


class OdooRpcError(OdooError):
    """Odoo answered with a JSON-RPC ``error`` object."""


class OdooProtocolError(OdooError):
    """Odoo's answer does not have the shape the contract fixes."""


class OdooAuthError(OdooError):
    """Odoo refused the configured login and API key."""


class RequestRejected(BridgeError):
    """An HTTP request is refused with a JSON error answer."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: list[str] | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.headers = headers or []


class SignatureMissing(RequestRejected):
    """The Standard Webhooks headers are absent."""

    status = 401
    code = "missing_signature"


class SignatureInvalid(RequestRejected):
    """No configured secret verifies the signature."""

    status = 401
    code = "invalid_signature"


class TimestampOutsideWindow(RequestRejected):
    """The ``webhook-timestamp`` is too old or too far in the future."""

    status = 401
    code = "timestamp_out_of_window"


class NotFound(RequestRejected):
    """The path or the endpoint code is unknown."""

    status = 404
    code = "not_found"


class MethodNotAllowed(RequestRejected):
    """The path exists but not for this HTTP method."""

    status = 405
    code = "method_not_allowed"


class PayloadTooLarge(RequestRejected):
    """The body exceeds the configured limit."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(RequestRejected):
    """The body is not declared as ``application/json``."""

    status = 415
    code = "unsupported_media_type"


class MalformedJson(RequestRejected):
    """The body is not valid UTF-8 JSON."""

    status = 400
    code = "malformed_json"


class SchemaViolation(RequestRejected):
    """The JSON does not match the event envelope."""

    status = 422
    code = "validation_failed"


class NumberOutOfRange(RequestRejected):
    """A number overflows or underflows a float, or is a NaN/Infinity literal."""

    status = 422
    code = "number_out_of_range"


class Backpressure(RequestRejected):
    """The inbox holds more pending events than its high-water mark."""

    status = 503
    code = "backpressure"


class HeaderInvalid(RequestRejected):
    """A request header the contract bounds (e.g. ``webhook-id``) is out of its bounds."""

    status = 400
    code = "invalid_header"


class CredentialsMissing(RequestRejected):
    """The header carrying an endpoint's credentials (hmac, basic, token) is absent."""

    status = 401
    code = "missing_credentials"


class CredentialsInvalid(RequestRejected):
    """No configured secret matches the credentials sent."""

    status = 401
    code = "invalid_credentials"


class X12Malformed(RequestRejected):
    """The body cannot be read as an X12 interchange (delimiters, truncation, structure)."""

    status = 400
    code = "malformed_x12"


class X12EnvelopeInvalid(RequestRejected):
    """An ISA/IEA, GS/GE or ST/SE envelope rule is broken (counts, control numbers)."""

    status = 422
    code = "x12_envelope_invalid"


class X12Unsupported(RequestRejected):
    """A well-formed interchange of a version or transaction set the bridge does not take."""

    status = 422
    code = "x12_unsupported"


class SigningKeysUnavailable(RequestRejected):
    """A recipe's public keys come from a JWKS URL that cannot be fetched (none known yet)."""

    status = 503
    code = "signing_keys_unavailable"
