"""ID tokens signed ES256 by AWS KMS: the private key never leaves KMS; the JWKS is its public half.

`ENT_OIDC_KEYS` lists the KMS keys: the first signs, every one is published (during a rotation,
the new key is published before it signs and the old one stays published until its last ID
token has expired). Each key's `kid` is its RFC 7638 thumbprint, so it names the key material,
not an AWS account's ARN.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from functions.core.aws import client

ALGORITHM = "ES256"
_COORDINATE_BYTES = 32  # P-256


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class PublicKey:
    key_id: str  # the KMS key it belongs to
    kid: str
    x: bytes
    y: bytes

    @property
    def jwk(self) -> dict[str, str]:
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(self.x),
            "y": b64url(self.y),
            "use": "sig",
            "alg": ALGORITHM,
            "kid": self.kid,
        }


class KeyRing:
    """The provider's signing keys; their public halves are read from KMS once per process."""

    def __init__(self, key_ids: tuple[str, ...], kms: Any | None = None) -> None:
        if not key_ids:
            raise ValueError("no OIDC signing key: set ENT_OIDC_KEYS")
        self.key_ids = key_ids
        self._kms = kms
        self._public: dict[str, PublicKey] = {}

    @property
    def kms(self) -> Any:
        if self._kms is None:
            self._kms = client("kms")
        return self._kms

    def public_key(self, key_id: str) -> PublicKey:
        if key_id not in self._public:
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives.serialization import load_der_public_key

            answer = self.kms.get_public_key(KeyId=key_id)
            loaded = load_der_public_key(answer["PublicKey"])
            if answer.get("KeyUsage") != "SIGN_VERIFY" or not (
                isinstance(loaded, ec.EllipticCurvePublicKey) and isinstance(loaded.curve, ec.SECP256R1)
            ):
                raise ValueError(f"{key_id} is not an ECC_NIST_P256 signing key")
            numbers = loaded.public_numbers()
            x, y = (n.to_bytes(_COORDINATE_BYTES, "big") for n in (numbers.x, numbers.y))
            self._public[key_id] = PublicKey(key_id, _thumbprint(x, y), x, y)
        return self._public[key_id]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.public_key(key_id).jwk for key_id in self.key_ids]}

    def sign(self, claims: dict[str, Any]) -> str:
        """Return the compact JWS of `claims`, signed by the first key."""
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        signer = self.public_key(self.key_ids[0])
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": signer.kid}
        signing_input = f"{_segment(header)}.{_segment(claims)}".encode("ascii")
        der = self.kms.sign(
            KeyId=signer.key_id, Message=signing_input, MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256"
        )["Signature"]
        r, s = decode_dss_signature(der)  # KMS answers DER; JWS wants r || s (RFC 7518 §3.4)
        signature = r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")
        return f"{signing_input.decode('ascii')}.{b64url(signature)}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """Return the claims of a token one of our keys signed (expired or not), else None."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        try:
            header_part, claims_part, signature_part = token.split(".")
            header = json.loads(b64url_decode(header_part))
            claims = json.loads(b64url_decode(claims_part))
            signature = b64url_decode(signature_part)
        except ValueError:
            return None
        if not isinstance(header, dict) or header.get("alg") != ALGORITHM or not isinstance(claims, dict):
            return None
        known = [key for key in map(self.public_key, self.key_ids) if key.kid == header.get("kid")]
        if not known or len(signature) != 2 * _COORDINATE_BYTES:
            return None
        x, y = (int.from_bytes(part, "big") for part in (known[0].x, known[0].y))
        public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        r, s = (int.from_bytes(signature[i : i + _COORDINATE_BYTES], "big") for i in (0, _COORDINATE_BYTES))
        try:
            public.verify(
                encode_dss_signature(r, s), f"{header_part}.{claims_part}".encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature:
            return None
        return claims


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _thumbprint(x: bytes, y: bytes) -> str:
    """RFC 7638: the SHA-256 of the key's required members, in lexicographic order, no spaces."""
    canonical = json.dumps({"crv": "P-256", "kty": "EC", "x": b64url(x), "y": b64url(y)}, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())
