"""OpenID Connect Discovery 1.0: the provider's configuration, what an app's library reads first."""

from __future__ import annotations

from typing import Any

from functions.oidc.claims import SCOPES

AUTHORIZE_PATH = "/api/oidc/authorize"


def discovery(issuer: str) -> dict[str, Any]:
    """OpenID Connect Discovery 1.0 §3: what an app's library reads to configure itself."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}{AUTHORIZE_PATH}",
        "token_endpoint": f"{issuer}/api/oidc/token",
        "userinfo_endpoint": f"{issuer}/api/oidc/userinfo",
        "jwks_uri": f"{issuer}/api/oidc/jwks",
        "end_session_endpoint": f"{issuer}/api/oidc/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            "given_name",
            "family_name",
            "email",
            "email_verified",
            "ent",
        ],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
    }
