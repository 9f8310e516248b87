"""The console's private bucket: letters PDFs, fetched by a short-lived presigned URL, and rosters awaiting confirmation.

A Lambda response stops at 6 MB, and a school's letters are ~3.5 KB a page: the PDF goes to S3
and the browser downloads it from there. The bucket blocks public access, is encrypted, and its
lifecycle deletes every object after a day (infra/template.yaml, LettersBucket): a letter holds an
initial password in clear. The URL lives 5 minutes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from functions.core.aws import client

URL_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class Download:
    url: str
    expires_at: datetime
    pages: int

    def as_dict(self) -> dict[str, object]:
        return {"url": self.url, "expires_at": self.expires_at.isoformat(), "pages": self.pages}


class LetterBucket:
    def __init__(self, bucket: str, s3: Any | None = None) -> None:
        self.bucket = bucket
        self._s3 = s3

    @property
    def s3(self) -> Any:
        if self._s3 is None:
            self._s3 = client("s3")
        return self._s3

    def put_letters(self, pdf: bytes, *, school: str, pages: int, now: datetime) -> Download:
        """Store a letters PDF under a random name; return its download link."""
        key = f"letters/{school}/{now:%Y%m%d-%H%M%S}-{secrets.token_urlsafe(12)}.pdf"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=pdf, ContentType="application/pdf")
        url = self.s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="lettres-{school}.pdf"',
            },
            ExpiresIn=int(URL_LIFETIME.total_seconds()),
        )
        return Download(url=str(url), expires_at=now + URL_LIFETIME, pages=pages)

    def put_roster(self, import_id: str, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=_roster_key(import_id), Body=data, ContentType="text/csv")

    def get_roster(self, import_id: str) -> bytes | None:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=_roster_key(import_id))
        except self.s3.exceptions.NoSuchKey:
            return None
        return bytes(response["Body"].read())


def _roster_key(import_id: str) -> str:
    return f"imports/{import_id}.csv"
