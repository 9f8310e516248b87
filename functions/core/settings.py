"""Settings of the service, read from the environment in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    public_url: str = "http://127.0.0.1:8000"
    mail_from: str = "ne-pas-repondre@ent.example.fr"
    ses_configuration_set: str | None = None
    # Set behind CloudFront: the secret header that proves a request came through it (and so
    # that its CloudFront-Viewer-Address header, the person's real address, can be trusted).
    origin_verify_secret: str | None = None
    # The private bucket of the console's letters PDFs and rosters waiting for confirmation (1 day).
    letters_bucket: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ENT_* variables (set by infra/template.yaml on AWS)."""
        env = os.environ if environ is None else environ
        table_name = env.get("ENT_TABLE", "").strip()
        if not table_name:
            raise SettingsError("ENT_TABLE is not set: it must name the DynamoDB accounts table.")
        public_url = env.get("ENT_PUBLIC_URL", cls.public_url).strip().rstrip("/")
        if not public_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise SettingsError("ENT_PUBLIC_URL must be an https:// address.")
        return cls(
            table_name=table_name,
            public_url=public_url,
            mail_from=env.get("ENT_MAIL_FROM", cls.mail_from).strip(),
            ses_configuration_set=env.get("ENT_SES_CONFIGURATION_SET", "").strip() or None,
            origin_verify_secret=env.get("ENT_ORIGIN_VERIFY", "").strip() or None,
            letters_bucket=env.get("ENT_LETTERS_BUCKET", "").strip() or None,
        )
