"""Counts in words: one of a thing, several of them."""

from app.domain.wording import counted


def test_a_count_of_one_is_singular_and_any_other_plural() -> None:
    assert counted(1, "subservice organization") == "1 subservice organization"
    assert counted(0, "subservice organization") == "0 subservice organizations"
    assert counted(2, "CUEC") == "2 CUECs"
    assert counted(1, "policy", "policies") == "1 policy"
    assert counted(3, "person", "people") == "3 people"
