"""Name matching for case grouping (node/clearinghouse/matching.py), and the case grouping it drives."""

from pathlib import Path

import pytest
from conftest import M1, M2, member_activity

from node.clearinghouse import ingest
from node.clearinghouse.matching import (
    MAX_NAME_CHARS,
    MAX_WORDS,
    any_match,
    keys_match,
    name_key,
    near,
    target_keys,
)
from node.storage.models import Case, IndexedAlert
from node.urls import Urls

TABLE = Path(__file__).parent / "data" / "name_pairs.tsv"


def _table() -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


ROWS = _table()


def test_the_table_is_large_enough():
    assert sum(1 for r in ROWS if r[0] == "match") >= 60
    assert sum(1 for r in ROWS if r[0] == "miss") >= 60
    assert {r[0] for r in ROWS} == {"match", "miss"}
    assert all(r[1] == r[3] for r in ROWS if r[0] == "match")


def _names_match(a: str, b: str) -> bool:
    """As the case grouping decides: the stored keys of each report's targets (:func:`target_keys`)."""
    return any_match(target_keys([{"name": a}]), target_keys([{"name": b}]))


@pytest.mark.parametrize("a, b", [(r[2], r[4]) for r in ROWS if r[0] == "match"])
def test_table_same_person_matches(a, b):
    assert _names_match(a, b)
    assert _names_match(b, a)


@pytest.mark.parametrize("a, b", [(r[2], r[4]) for r in ROWS if r[0] == "miss" and r[1] == r[3]])
def test_table_near_miss_does_not_match(a, b):
    assert not _names_match(a, b)
    assert not _names_match(b, a)


@pytest.mark.parametrize("a, b", [
    ("Jane Doe", "jane doe"),
    ("Jane Doe", "Doe, Jane"),
    ("Yusuf Çelik", "Yusuf Celik"),
    ("Youssef Celik", "Yusuf Çelik"),
    ("Mohammed Al-Hassan", "Muhammad al Hassan"),
    ("Юсуф Челик", "Yusuf Chelik"),
    ("Jane Doe", "Jane Dow"),
    ("Dr. Jane Doe", "Jane Doe"),
    ("محمد", "Mohamed"), ("محمد", "Muhammad"), ("محمد", "Mohammed"),
    ("Abdelrahman Youssef", "عبد الرحمن يوسف"), ("Abdurrahman Youssef", "عبدالرحمن يوسف"),
    ("Abd al-Rahman Yusuf", "Abdul Rahman Yousef"),
    ("Nasreddin Hoca", "Nasr ad-Din Hoca"), ("ناصر الدين حجة", "Nasreddin Hoca"),
    ("İLHAN IŞIK", "Ilhan Isik"), ("ılhan ışık", "Ilhan Isik"),
    ("习近平", "Xi Jinping"), ("Xi Jin-ping", "Jinping Xi"), ("欧阳娜娜", "Ouyang Nana"),
    ("Sheikh Ali Salman", "Ali Salman"), ("Mme Ihsane El Kadi", "إحسان القاضي"),
])
def test_same_person_across_spellings(a, b):
    assert keys_match(name_key(a), name_key(b))


@pytest.mark.parametrize("a, b", [
    ("Jane Doe", "John Smith"),
    ("Yusuf Celik", "Yusuf Demir"),
    ("Ahmed Kaya", "Mehmet Kaya"),
    ("", "Jane Doe"),
    ("حسن", "Hussein"), ("حسين", "Hassan"), ("محمد", "Mahmoud"), ("محمود", "Mohamed"),
    ("Mohammad", "Mohammadi"), ("Ahmed Abu Hussein", "Ahmed Hussein"),
    ("Yusuf", "Yusuf Celik"),  # one word is not enough to group with a full name
])
def test_different_people_do_not_match(a, b):
    assert not keys_match(name_key(a), name_key(b))


def test_keys_drop_titles_and_articles_and_glue_particles():
    assert name_key("Dr. Mohammed Al-Hassan") == "mohammed hassan"
    assert name_key("Sheikh Hamza bin Laden") == "hamza binladen"
    assert name_key("Shireen Abu Akleh") == "shireen abuakleh"
    assert name_key("Alaa Abd El-Fattah") == name_key("Alaa Abdel Fattah") == "alaa abdfattah"
    assert name_key("张展") == "zhang zhan"
    assert name_key("單仁平") == "shan renping"  # the surname reading, not the common one (dan)
    assert name_key("Xədicə İsmayılova") == "khadija ismayilova"
    assert name_key("Al Jazeera") == "jazeera"
    assert name_key("Sayed") == "sayed"  # a title word alone is a name
    assert name_key("Nasr ad-Din") == "nasr din" and name_key("Abd ar-Rahman") == "abdrahman"
    assert name_key("Zhou En-lai") == "zhou en lai"  # "en-" is an article only before an n
    assert keys_match(name_key("周恩来"), name_key("Zhou En-lai"))


def test_long_or_repetitive_names_are_bounded():
    # long runs of letters that may be written as vowels once made a backtracking pattern take minutes
    assert not keys_match(name_key("ع" * 12), name_key("a" * 40 + "b"))
    assert not keys_match(name_key(" ".join(["محمد"] * 8) + " x"), name_key(" ".join(["mohamed"] * 9)))
    assert len(name_key(" ".join(["word"] * 500)).split()) == MAX_WORDS
    assert name_key("b" * 10_000) == "b" * MAX_NAME_CHARS


def test_aliases_count():
    first = target_keys([{"name": "Radio Free Coast", "aliases": ["RFC 101.5"]}])
    second = target_keys([{"name": "RFC 101.5 FM"}])
    assert any_match(first, second)
    # a Cantonese name and its Mandarin Hanzi spelling match only through the alias
    lai = target_keys([{"name": "Jimmy Lai", "aliases": ["黎智英", "Lai Chee-ying"]}])
    assert any_match(lai, target_keys([{"name": "黎智英"}]))
    assert any_match(lai, target_keys([{"name": "Lai Chee-ying"}]))
    assert not any_match(target_keys([{"name": "Jimmy Lai"}]), target_keys([{"name": "黎智英"}]))


def test_date_window():
    assert near("2026-11-20", "2026-11-25")
    assert not near("2026-11-20", "2026-12-20")
    assert near("2026-11", "2026-11-03")
    assert not near("", "2026-11-03")


# --- through the case grouping, on SQLite and PostgreSQL ---------------------------------

def activity(urls: Urls, n: int, *, target: str, country: str = "EG", date: str = "2026-11-20",
             aliases: tuple[str, ...] = ()) -> dict:
    return member_activity(urls, n, target=target, country=country, date=date, aliases=list(aliases),
                           headline=f"Report {n}")


async def _case_of(urls: Urls, n: int) -> str:
    return (await IndexedAlert.get(uri=urls.alert(f"a{n}"))).case_id


async def test_arabic_and_latin_reports_of_one_journalist_join_one_case(ch):
    await ingest.on_create(ch, activity(M1, 1, target="محمود حسين", date="2026-11-20"))
    await ingest.on_create(ch, activity(M2, 2, target="Mahmoud Hussein", date="2026-11-24"))
    assert await _case_of(M2, 2) == await _case_of(M1, 1)
    # a near miss in the same country and week, and the same name in another country, open cases
    await ingest.on_create(ch, activity(M2, 3, target="Mohamed Hussein", date="2026-11-21"))
    await ingest.on_create(ch, activity(M1, 4, target="محمود حسين", country="SD", date="2026-11-20"))
    cases = {await _case_of(M1, 1), await _case_of(M2, 3), await _case_of(M1, 4)}
    assert len(cases) == 3 and await Case.all().count() == 3


async def test_one_batch_groups_scripts_and_counts_aliases(ch):
    await ingest.on_create_batch(ch, [
        activity(M1, 1, target="张展", country="CN"),
        activity(M2, 2, target="Zhang Zhan", country="CN", date="2026-11-22"),
        activity(M1, 3, target="Jimmy Lai", country="HK", aliases=("黎智英",)),
        activity(M2, 4, target="黎智英", country="HK", date="2026-11-23"),
        activity(M2, 5, target="Zhang Zhen", country="CN"),
    ])
    assert await _case_of(M2, 2) == await _case_of(M1, 1)
    assert await _case_of(M2, 4) == await _case_of(M1, 3)
    assert await _case_of(M2, 5) not in {await _case_of(M1, 1), await _case_of(M1, 3)}
    assert await Case.all().count() == 3
