"""The built site is served as CloudFront serves the bucket: index pages, 404.html, content types."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import Client

from devserver.site import StaticSite


def test_home_page(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Aide ENT Parents</title>" in response.get_data(as_text=True)


def test_directory_serves_its_index(client: Client) -> None:
    response = client.get("/connexion/")

    assert response.status_code == 200
    assert "<title>Connexion</title>" in response.get_data(as_text=True)


def test_directory_without_slash_redirects_keeping_the_query(client: Client) -> None:
    response = client.get("/connexion?from=mail")

    assert response.status_code == 301
    assert response.headers["Location"] == "/connexion/?from=mail"


@pytest.mark.parametrize("path", ["/nope", "/nope/", "/assets/missing.css", "/../secret.txt", "/%2e%2e/secret.txt"])
def test_missing_page_is_404_html_with_the_site_404_page(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert "outside the site" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/logo.png", "image/png"),
        ("/search.json", "application/json; charset=utf-8"),
        ("/sitemap.xml.gz", "application/gzip"),
    ],
)
def test_content_types(client: Client, path: str, content_type: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_javascript_is_served_as_javascript_text(client: Client) -> None:
    response = client.get("/assets/app.js")

    assert response.headers["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert response.get_data(as_text=True) == "console.log('é');"


def test_head_gives_headers_without_body(client: Client) -> None:
    response = client.head("/")

    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) > 0


def test_site_refuses_other_methods(client: Client) -> None:
    assert client.post("/").status_code == 405


def test_without_404_page_a_plain_french_page(tmp_path: Path) -> None:
    site = StaticSite(tmp_path)

    answer = site.serve("GET", "/nope")

    assert answer.status == 404
    assert "Page introuvable" in answer.body.decode("utf-8")
    assert not site.is_built()


def test_text_files_travel_gzipped_when_the_browser_asks_as_cloudfront_does(tmp_path):
    import gzip as gzip_module

    from devserver.site import StaticSite

    (tmp_path / "index.html").write_text("<p>Aide</p>" * 500, encoding="utf-8")
    site = StaticSite(tmp_path)
    zipped = site.serve("GET", "/", accept_encoding="gzip, deflate, br")
    assert ("Content-Encoding", "gzip") in zipped.headers
    assert gzip_module.decompress(zipped.body).decode() == "<p>Aide</p>" * 500
    plain = site.serve("GET", "/")
    assert all(name != "Content-Encoding" for name, _ in plain.headers)
