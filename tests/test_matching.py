"""Name matching for case grouping (node/clearinghouse/matching.py)."""

import pytest

from node.clearinghouse.matching import any_match, keys_match, name_key, near, target_keys


@pytest.mark.parametrize("a, b", [
    ("Jane Doe", "jane doe"),
    ("Jane Doe", "Doe, Jane"),
    ("Yusuf Çelik", "Yusuf Celik"),
    ("Youssef Celik", "Yusuf Çelik"),
    ("Mohammed Al-Hassan", "Muhammad al Hassan"),
    ("Юсуф Челик", "Yusuf Chelik"),
    ("Jane Doe", "Jane Dow"),
    ("Dr. Jane Doe", "Jane Doe"),
])
def test_same_person_across_spellings(a, b):
    assert keys_match(name_key(a), name_key(b))


@pytest.mark.parametrize("a, b", [
    ("Jane Doe", "John Smith"),
    ("Yusuf Celik", "Yusuf Demir"),
    ("Ahmed Kaya", "Mehmet Kaya"),
    ("", "Jane Doe"),
])
def test_different_people_do_not_match(a, b):
    assert not keys_match(name_key(a), name_key(b))


def test_aliases_count():
    first = target_keys([{"name": "Radio Free Coast", "aliases": ["RFC 101.5"]}])
    second = target_keys([{"name": "RFC 101.5 FM"}])
    assert any_match(first, second)


def test_date_window():
    assert near("2026-11-20", "2026-11-25")
    assert not near("2026-11-20", "2026-12-20")
    assert near("2026-11", "2026-11-03")
    assert not near("", "2026-11-03")
