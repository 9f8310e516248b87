"""The feedback endpoint, the site and the contract agree: the same pages, the same bounds."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from functions.feedback import flow
from tools.feedback_pages import OUTPUT, render, site_pages

ROOT = Path(__file__).resolve().parents[3]
SPEC = yaml.safe_load((ROOT / "functions" / "openapi.yaml").read_text(encoding="utf-8"))
FEEDBACK = SPEC["paths"]["/api/feedback"]["post"]
REQUEST = SPEC["components"]["schemas"]["FeedbackRequest"]["properties"]


def url_of(source: str) -> str:
    """The path mkdocs gives a page with `use_directory_urls: true`: `x/y.md` is `/x/y/`, `x/index.md` `/x/`."""
    parts = source.removesuffix(".md").split("/")
    if parts[-1] in ("index", "README"):
        parts.pop()
    return "/" + "".join(f"{part}/" for part in parts)


def walked_pages(docs: Path) -> set[str]:
    """The pages mkdocs builds from docs/: every Markdown file but dotted ones, by its URL rule."""
    return {
        url_of(source.relative_to(docs).as_posix())
        for source in docs.rglob("*.md")
        if not any(part.startswith(".") for part in source.relative_to(docs).parts)
    }


def test_the_shipped_pages_are_the_sites_pages():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["use_directory_urls"] is True and config["docs_dir"] == "docs"
    assert OUTPUT == ROOT / "functions" / "feedback" / flow.PAGES_RESOURCE
    # mkdocs' own discovery and URLs, and our reading of its rule, give the same pages.
    assert set(site_pages()) == walked_pages(ROOT / "docs")
    assert OUTPUT.read_text(encoding="utf-8") == render(site_pages()), (
        "functions/feedback/pages.txt is out of date: run `python -m tools.feedback_pages`"
    )
    assert flow.site_pages() == set(site_pages())


def test_every_page_in_the_nav_is_accepted():
    def sources(entries):
        for entry in entries:
            for value in entry.values() if isinstance(entry, dict) else [entry]:
                yield from sources(value) if isinstance(value, list) else [value]

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    in_nav = {url_of(source) for source in sources(nav)}
    assert {"/", "/aide/courrier/", "/connexion/"} <= in_nav <= flow.site_pages()


def test_the_comment_bound_is_one_number_everywhere():
    bound = flow.MAX_COMMENT_LENGTH
    assert REQUEST["comment"]["maxLength"] == bound
    assert f"dépasse {bound} caractères" in FEEDBACK["responses"]["400"]["description"]
    widget = (ROOT / "overrides" / "partials" / "feedback.html").read_text(encoding="utf-8")
    assert re.findall(r'maxlength="(\d+)"', widget) == [str(bound)]
    script = (ROOT / "docs" / "assets" / "js" / "feedback.js").read_text(encoding="utf-8")
    assert re.findall(r"slice\(0, (\d+)\)", script) == [str(bound)]


def test_the_page_rule_is_the_contracts():
    assert REQUEST["page"]["maxLength"] == flow.MAX_PAGE_LENGTH
    assert REQUEST["page"]["pattern"] == f"^{flow._PAGE.pattern}$"
    assert all(flow._PAGE.fullmatch(page) and len(page) <= flow.MAX_PAGE_LENGTH for page in flow.site_pages())


def test_the_contract_documents_the_refusals_of_the_limits():
    errors_400 = FEEDBACK["responses"]["400"]["content"]["application/json"]["schema"]["allOf"][1]
    assert "unknown_page" in errors_400["properties"]["error"]["enum"]
    too_many = FEEDBACK["responses"]["429"]
    assert too_many["content"]["application/json"]["schema"]["allOf"][1]["properties"]["error"]["enum"] == [
        "too_many_requests"
    ]
    assert "Retry-After" in too_many["headers"]
    assert str(flow.ANSWERS_PER_WINDOW) in too_many["description"]
