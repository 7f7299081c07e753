"""Receipt codes: readable, grouped, and a mistyped one is recognised."""

import re

from anxuan.core import receipts


def test_a_new_code_is_four_groups_of_four_and_valid():
    code = receipts.new_code()

    assert re.fullmatch(
        r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}-[0-9A-HJKMNP-Z*~$=]{4}", code
    )
    assert receipts.is_valid(code)
    assert receipts.normalise(code) == code


def test_codes_differ():
    assert len({receipts.new_code() for _ in range(200)}) == 200


def test_as_read_out_or_typed_the_code_still_matches():
    code = receipts.new_code()
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")

    assert receipts.normalise(typed) == code
    assert receipts.is_valid(typed)


def test_every_single_wrong_character_and_neighbour_swap_is_recognised():
    code = receipts.new_code().replace("-", "")
    for i in range(len(code) - 1):
        for other in receipts.ALPHABET:
            if other != code[i]:
                assert not receipts.is_valid(code[:i] + other + code[i + 1 :])
        if code[i] != code[i + 1] and i < len(code) - 2:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not receipts.is_valid(swapped)


def test_malformed_codes_are_not_valid():
    assert not receipts.is_valid("")
    assert not receipts.is_valid("ABCD-EFGH")
    assert not receipts.is_valid("ABCD-EFGH-JKMN-PQRS-T")
    assert not receipts.is_valid("UUUU-UUUU-UUUU-UUU0")  # U is only a check character
