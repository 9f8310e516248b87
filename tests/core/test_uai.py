"""A UAI is 7 digits and the key letter they give: a typo in either is refused, with why."""

import pytest

from functions.core.errors import InvalidInput
from functions.core.uai import is_valid_uai, key_letter, validate_uai


@pytest.mark.parametrize("uai", ["0750654D", "0751234J", "0931234L", " 0750654d "])
def test_a_real_uai_is_accepted_uppercase(uai: str):
    assert validate_uai(uai) == uai.strip().upper()
    assert is_valid_uai(uai.strip().upper())


def test_the_key_letter_is_the_digits_mod_23_in_the_alphabet_without_i_o_q():
    assert key_letter("0750654") == "D"
    assert key_letter("0000000") == "A"
    assert key_letter("0000022") == "Z"
    assert key_letter("0000023") == "A"


@pytest.mark.parametrize("uai", ["0751234A", "0750654E", "0750654I"])
def test_a_wrong_key_letter_is_refused_as_a_code_that_does_not_exist(uai: str):
    with pytest.raises(InvalidInput, match="lettre-clé") as refused:
        validate_uai(uai)
    assert refused.value.field == "school"
    assert not is_valid_uai(uai)


@pytest.mark.parametrize("text", ["", "075065D", "07506540D", "075065AD", "０７５０６５４D", "0750654"])
def test_a_malformed_uai_is_refused_with_the_expected_shape(text: str):
    with pytest.raises(InvalidInput, match="7 chiffres puis une lettre"):
        validate_uai(text)
    assert not is_valid_uai(text)
