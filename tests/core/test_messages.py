"""The catalogue of refusals (functions/core/messages.py) against the contract, the help centre and the code."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import functions
from functions.core.errors import DomainError, TokenExpired, TokenUsed
from functions.core.messages import (
    ACTIVATION_MAILS_CAPPED,
    CATALOGUE,
    NOT_IN_API,
    TOKEN_ANSWERS,
    Code,
    every_help_link,
    help_for,
    token_help,
)
from functions.core.tokens import TokenKind
from functions.web import _HTTP_ERRORS

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "functions" / "openapi.yaml").read_text(encoding="utf-8"))
DOCS = ROOT / "docs"
FORMS_JS = (DOCS / "assets" / "js" / "forms.js").read_text(encoding="utf-8")


def _documented_codes(node: Any) -> set[str]:
    """Every value of an `error: {enum: [...]}` (or of an `x-error-codes` list) anywhere in the spec."""
    found: set[str] = set()
    if isinstance(node, dict):
        error = node.get("error")
        if isinstance(error, dict) and isinstance(error.get("enum"), list):
            found.update(error["enum"])
        found.update(node.get("x-error-codes", []))  # an HTML page's `data-error`, a redirect's `error`
        for value in node.values():
            found |= _documented_codes(value)
    elif isinstance(node, list):
        for value in node:
            found |= _documented_codes(value)
    return found


def test_every_code_of_the_catalogue_is_in_the_contract_and_only_those() -> None:
    documented = _documented_codes(SPEC)
    answered = {code.value for code in Code} - {code.value for code in NOT_IN_API}
    assert sorted(answered - documented) == [], "codes the API answers that openapi.yaml never lists"
    assert sorted(documented - answered) == [], "codes openapi.yaml lists that the catalogue does not answer"


def test_every_code_has_one_entry() -> None:
    assert set(CATALOGUE) == set(Code)
    for code, entry in CATALOGUE.items():
        assert entry.code == code
        assert 400 <= entry.status < 600
        assert entry.message.strip() and entry.message == entry.message.strip()


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    return set(re.findall(r"\{#([\w-]+)\}", text)) | set(re.findall(r"""\bid=["']([\w-]+)["']""", text))


def _page_for(path: str) -> Path | None:
    """The Markdown source of a site path (`use_directory_urls`: /aide/x/ is aide/x.md or aide/x/index.md)."""
    stem = path.strip("/")
    for candidate in (DOCS / f"{stem}.md", DOCS / stem / "index.md"):
        if candidate.is_file():
            return candidate
    return None


@pytest.mark.parametrize("link", sorted(every_help_link()))
def test_every_help_link_is_an_anchor_of_a_help_page(link: str) -> None:
    path, _, anchor = link.partition("#")
    assert path.startswith("/") and path.endswith("/") and anchor, f"{link} is not /page/#anchor"
    page = _page_for(path)
    assert page is not None, f"{link}: no page {path} in docs/"
    assert anchor in _anchors(page), f"{link}: no anchor #{anchor} in {page.relative_to(ROOT)}"


@pytest.mark.parametrize("kind", list(TokenKind))
def test_every_kind_of_link_has_its_expired_and_used_answers(kind: TokenKind) -> None:
    for code in (Code.TOKEN_EXPIRED, Code.TOKEN_USED):
        answer = TOKEN_ANSWERS[(code, kind)]
        assert answer.code == code and answer.status == CATALOGUE[code].status
        assert answer.help and token_help(code, kind) == answer.help
    expired, used = TokenExpired.of_link(kind), TokenUsed.of_link(kind)
    assert (expired.code, expired.field, expired.help) == (
        "token_expired",
        "token",
        token_help(Code.TOKEN_EXPIRED, kind),
    )
    assert (used.code, used.message, used.help) == (
        "token_used",
        TOKEN_ANSWERS[(Code.TOKEN_USED, kind)].message,
        token_help(Code.TOKEN_USED, kind),
    )
    assert set(TOKEN_ANSWERS) == {(code, kind) for code in (Code.TOKEN_EXPIRED, Code.TOKEN_USED) for kind in TokenKind}


def _domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages(functions.__path__, "functions."):
        importlib.import_module(module.name)  # every error class gets defined

    def subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
        return {sub for direct in cls.__subclasses__() for sub in {direct, *subclasses(direct)}}

    return {cls for cls in subclasses(DomainError) if cls.__module__.startswith("functions.")}


def test_every_domain_error_of_the_functions_answers_from_the_catalogue() -> None:
    errors = _domain_errors()
    assert len(errors) >= 20
    for cls in errors:
        entry = CATALOGUE[Code(cls.code)]  # ValueError: a code the catalogue does not know
        assert cls.status == entry.status, cls
    by_code = {cls.code for cls in errors}
    assert by_code >= set(Code) - {Code.ERROR, Code.INTERNAL_ERROR} - set(_HTTP_ERRORS.values()), "unraised codes"


def test_a_situation_of_a_shared_code_keeps_its_status_and_help() -> None:
    shared = CATALOGUE[ACTIVATION_MAILS_CAPPED.code]
    assert (ACTIVATION_MAILS_CAPPED.status, ACTIVATION_MAILS_CAPPED.help) == (shared.status, shared.help)
    assert ACTIVATION_MAILS_CAPPED.message != shared.message


def test_http_refusals_keep_their_status() -> None:
    assert 501 not in _HTTP_ERRORS  # nothing raises it
    for status, code in _HTTP_ERRORS.items():
        assert CATALOGUE[code].status == status


def _js_table(name: str) -> str:
    match = re.search(rf"^const {name} = \{{\n(.*?)^\}};", FORMS_JS, re.S | re.M)
    assert match, f"forms.js has no table {name}"
    return match.group(1)


def test_the_site_script_knows_only_catalogue_codes_and_the_same_help() -> None:
    """docs/assets/js/forms.js falls back on its own tables when an answer carries no `help`/`message`."""
    codes = {code.value for code in Code}
    for table in ("HELP", "MESSAGES", "FIELD_OF"):
        keys = set(re.findall(r"^ {2}(\w+):", _js_table(table), re.M)) - {"network", "server"}
        assert keys <= codes, f"forms.js {table}: unknown codes {sorted(keys - codes)}"
    for api_codes in re.findall(r"\{([^{}]*)\}", _js_table("HELP_BY_API") + _js_table("ACTIONS")):
        keys = set(re.findall(r"(\w+): [\"\[]", api_codes))
        assert keys <= codes, f"forms.js: unknown codes {sorted(keys - codes)}"
    for code, link in re.findall(r'^ {2}(\w+): "([^"]+)"', _js_table("HELP"), re.M):
        expected = token_help(Code(code), TokenKind.ACTIVATION) if code in ("token_expired", "token_used") else None
        assert link == (expected or help_for(code)), f"forms.js HELP[{code}]"
