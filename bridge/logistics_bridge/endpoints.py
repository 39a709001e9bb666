"""Per-endpoint settings of the bridge: the contract's models, and check-config's view of them.

The models (``InboundEndpoint``, the auth recipes) are defined once in
``logistics_contract``; this module names them as the bridge always has and adds
``endpoint_problems``, which reports, per field, what makes an endpoint unable to
authenticate anyone.
"""

from __future__ import annotations

from logistics_contract.endpoint import (
    FORMAT_JSON,
    FORMAT_TMS_EVENT,
    FORMAT_X12_214,
    Format,
    InboundEndpoint,
)
from logistics_contract.recipes import (
    DEFAULT_SCHEME,
    AuthRecipe,
    BasicAuth,
    HmacAuth,
    SignatureAuth,
    StandardWebhooksAuth,
    TokenAuth,
    recipe_problems,
)

EndpointSettings = InboundEndpoint
AuthSettings = AuthRecipe

__all__ = [
    "DEFAULT_SCHEME",
    "FORMAT_JSON",
    "FORMAT_TMS_EVENT",
    "FORMAT_X12_214",
    "AuthSettings",
    "BasicAuth",
    "EndpointSettings",
    "Format",
    "HmacAuth",
    "SignatureAuth",
    "StandardWebhooksAuth",
    "TokenAuth",
    "endpoint_problems",
]


def endpoint_problems(
    code: str, endpoint: InboundEndpoint, *, public_base_url: str | None = None
) -> list[str]:
    """Why ``endpoint`` cannot authenticate anyone, per field (empty list when it can).

    A single recipe is named ``auth`` (as it is written in TOML), several ``auth[<n>]``.
    """
    where = f"endpoints.{code}.auth"
    if not endpoint.auth:
        return [
            f"{where}: missing; an endpoint without authentication is refused"
            " (set auth.scheme and auth.secrets)"
        ]
    problems = []
    for index, recipe in enumerate(endpoint.auth):
        at = where if len(endpoint.auth) == 1 else f"{where}[{index}]"
        public_key = isinstance(recipe, SignatureAuth) and recipe.uses_public_key
        if not recipe.secrets and not public_key:
            problems.append(
                f"{at}.secrets: empty; every request would be refused (give one, two to rotate)"
            )
        problems.extend(f"{at}.{problem}" for problem in recipe_problems(recipe))
        if isinstance(recipe, SignatureAuth):
            if recipe.uses_url and not public_base_url:
                problems.append(
                    f"{at}.signed_template: uses {{url}}, but the bridge setting"
                    " public_base_url is not set"
                )
            if recipe.reads_body_fields and endpoint.format == FORMAT_X12_214:
                problems.append(
                    f"{at}: reads JSON body fields, but the endpoint's format is x12-214"
                )
    return problems
