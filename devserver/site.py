"""Serve the built help site (./site) as CloudFront serves the bucket: index.html, 404.html."""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path
from urllib.parse import unquote

from werkzeug.security import safe_join

from devserver.gateway import HttpResponse

SITE_DIR = Path(__file__).resolve().parent.parent / "site"
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
NOT_FOUND_PAGE = b"""<!doctype html><html lang="fr"><meta charset="utf-8"><title>Page introuvable</title>
<h1>Page introuvable</h1><p>Cette page n'existe pas. <a href="/">Retour au centre d'aide</a></p></html>"""


def content_type(path: Path) -> str:
    """Return the Content-Type of a file, with a charset for text."""
    media_type, encoding = mimetypes.guess_type(path.name)
    if encoding == "gzip":
        return "application/gzip"
    media_type = media_type or "application/octet-stream"
    if media_type.startswith(TEXT_TYPES):
        return f"{media_type}; charset=utf-8"
    return media_type


class StaticSite:
    """Answer GET and HEAD requests from the files of a built mkdocs site."""

    def __init__(self, root: Path = SITE_DIR) -> None:
        self.root = root

    def is_built(self) -> bool:
        """Tell whether the site has been built (site/index.html exists)."""
        return (self.root / "index.html").is_file()

    def _file(self, url_path: str) -> Path | None:
        joined = safe_join(str(self.root), unquote(url_path).lstrip("/"))
        return Path(joined) if joined is not None else None

    def serve(self, method: str, url_path: str, query_string: str = "", accept_encoding: str = "") -> HttpResponse:
        """Return the file at `url_path`: a directory's index.html, or 404.html with status 404."""
        if method not in ("GET", "HEAD"):
            return HttpResponse(
                405,
                [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                "Méthode non acceptée.".encode(),
            )
        path = self._file(url_path)
        if path is not None and path.is_dir():
            if not url_path.endswith("/"):  # mkdocs' relative links need the trailing slash
                location = url_path + "/" + (f"?{query_string}" if query_string else "")
                return HttpResponse(301, [("Location", location), ("Content-Length", "0")])
            path = path / "index.html"
        if path is None or not path.is_file():
            return self._not_found(method)
        return self._file_response(200, path, method, accept_encoding)

    def _not_found(self, method: str) -> HttpResponse:
        page = self.root / "404.html"
        if page.is_file():
            return self._file_response(404, page, method)
        return HttpResponse(
            404, [("Content-Type", "text/html; charset=utf-8")], b"" if method == "HEAD" else NOT_FOUND_PAGE
        )

    def _file_response(self, status: int, path: Path, method: str, accept_encoding: str = "") -> HttpResponse:
        body = path.read_bytes()
        media_type = content_type(path)
        headers = []
        # As CloudFront (Compress: true) does: text over 1 KB travels gzipped when the browser asks.
        if media_type.startswith(TEXT_TYPES) and len(body) > 1024 and "gzip" in accept_encoding:
            body = gzip.compress(body, compresslevel=6)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        headers += [
            ("Content-Type", media_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-cache"),  # a rebuilt site shows at the next reload
            ("X-Content-Type-Options", "nosniff"),
        ]
        return HttpResponse(status, headers, b"" if method == "HEAD" else body)
