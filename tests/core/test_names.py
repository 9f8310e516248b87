"""A name is text: nothing in it may hide, reorder or break what is printed around it."""

from __future__ import annotations

from datetime import date

import pytest

from functions.core.accounts import issue_account
from functions.core.errors import InvalidInput
from functions.core.lifecycle import Profile
from functions.core.names import UnreadableName, check_name, hidden_character

# What an attacker pastes into a roster or the issue form, and what a copy-paste brings along.
HIDDEN = {
    "\x1b": "U+001B",  # ESC: terminal escape sequences
    "\x00": "U+0000",
    "\t": "U+0009",
    "\n": "U+000A",
    "\r": "U+000D",
    "\x7f": "U+007F",
    "\x85": "U+0085",  # NEL, a C1 line break
    "\x9b": "U+009B",  # CSI, the 8-bit ESC [
    "\u202a": "U+202A",
    "\u202b": "U+202B",
    "\u202c": "U+202C",
    "\u202d": "U+202D",
    "\u202e": "U+202E",  # RIGHT-TO-LEFT OVERRIDE: « Martin‮nip » prints reversed
    "\u2066": "U+2066",
    "\u2067": "U+2067",
    "\u2068": "U+2068",
    "\u2069": "U+2069",
    "\u200b": "U+200B",  # zero-width space
    "\u200c": "U+200C",
    "\u200d": "U+200D",  # zero-width joiner
    "\u200e": "U+200E",
    "\u2060": "U+2060",
    "\ufeff": "U+FEFF",
    "\u00ad": "U+00AD",  # soft hyphen
    "\u2028": "U+2028",  # line separator
    "\u2029": "U+2029",  # paragraph separator
    "\ud800": "U+D800",  # a lone surrogate, no text at all
    "\U000e0041": "U+E0041",  # a tag character
}


@pytest.mark.parametrize(("character", "code_point"), HIDDEN.items(), ids=list(HIDDEN.values()))
def test_a_hidden_character_anywhere_in_a_name_is_refused_and_named(character, code_point):
    for name in (f"Martin{character}", f"{character}Martin", f"Mar{character}tin"):
        assert hidden_character(name) == code_point
        with pytest.raises(UnreadableName) as refused:
            check_name(name, "last_name")
        assert isinstance(refused.value, InvalidInput) and refused.value.field == "last_name"
        assert code_point in refused.value.message and "Le nom" in refused.value.message
        assert character not in refused.value.message  # the message itself stays inert


@pytest.mark.parametrize(
    "name",
    ["Zoé", "Lefèvre-Martin", "N'Diaye", "O’Brien", "Åsa Ñúñez", "de la Fontaine", "Jean\u00a0Paul", "Łukasz", "Œdipe"],
)
def test_real_names_are_accepted_unchanged(name):
    assert hidden_character(name) is None
    assert check_name(name, "first_name") == name


def test_the_label_follows_the_field_or_is_given():
    with pytest.raises(UnreadableName, match="Le prénom"):
        check_name("Zo\u200be", "first_name")
    with pytest.raises(UnreadableName, match="Le nom de famille"):
        check_name("Zo\u200be", "x", "nom de famille")


@pytest.mark.parametrize("field", ["last_name", "first_name"])
def test_issuing_refuses_a_bidi_override_and_writes_nothing(store, clock, field):
    names = {"first_name": "Zoé", "last_name": "Martin", field: "Martin\u202egnp.exe"}
    with pytest.raises(UnreadableName) as refused:
        issue_account(
            store,
            profile=Profile.PARENT,
            birth_date=date(2015, 3, 1),
            school="0751234J",
            now=clock(),
            once_per_person=True,
            **names,
        )
    assert refused.value.field == field and "U+202E" in refused.value.message
    assert store.accounts_of_school("0751234J") == []


def test_issuing_refuses_a_tab_or_line_break_before_folding_spaces(store, clock):
    # Folding spaces would have turned them into a blank: the rule sees the name as typed.
    for name in ("Mar\ttin", "Mar\ntin", "Mar\u2028tin", "Mar\x1ctin"):
        with pytest.raises(UnreadableName):
            issue_account(
                store,
                profile=Profile.PARENT,
                first_name="Zoé",
                last_name=name,
                birth_date=date(2015, 3, 1),
                school="0751234J",
                now=clock(),
            )
    assert store.accounts_of_school("0751234J") == []
