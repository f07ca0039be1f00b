"""Do two reports name the same person? Names across spellings, scripts and aliases.

A name is reduced to keys: transliterated to ASCII (``anyascii``: Cyrillic,
Arabic, Turkish letters…), lower-cased, punctuation dropped, tokens sorted.
Two names match when, for some pair of their keys, the keys are equal, or
the token-sorted similarity is high (``rapidfuzz``), or every token sounds the
same (Metaphone, ``jellyfish``: Youssef / Yusuf, Mohammed / Muhammad).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

SIMILARITY = 85.0
DATE_WINDOW_DAYS = 7
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "sheikh", "sayed", "sayyid"}


def name_key(name: str) -> str:
    from anyascii import anyascii  # the matching libraries load only on a Clearing House

    text = anyascii(name or "").lower().replace("-", " ").replace("'", "")
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t not in _TITLES]
    return " ".join(sorted(tokens))


@lru_cache(maxsize=16384)  # pure; called for every pair of names compared
def sound_key(key: str) -> str:
    import jellyfish

    return " ".join(sorted(jellyfish.metaphone(t) for t in key.split()))


def target_keys(targets: list) -> list[str]:
    """Keys for every name and alias of an alert's targets."""
    keys: list[str] = []
    for target in targets:
        names = [target.get("name", "")] + list(target.get("aliases") or []) if isinstance(target, dict) \
            else [target.name] + list(target.aliases or [])
        for name in names:
            key = name_key(name)
            if key and key not in keys:
                keys.append(key)
    return keys


def keys_match(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    if not a or not b:
        return False
    if a == b or fuzz.token_sort_ratio(a, b) >= SIMILARITY:
        return True
    return len(a.split()) == len(b.split()) and sound_key(a) == sound_key(b)


def any_match(keys_a: list[str], keys_b: list[str]) -> bool:
    return any(keys_match(a, b) for a in keys_a for b in keys_b)


def as_date(value: str) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the first day it can mean."""
    parts = (value or "").split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def near(a: str, b: str, window: int = DATE_WINDOW_DAYS) -> bool:
    da, db = as_date(a), as_date(b)
    return bool(da and db) and abs((da - db).days) <= window
