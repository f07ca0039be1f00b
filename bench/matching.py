"""Precision and recall of the Clearing House's name matching over tests/data/name_pairs.tsv.

    .venv/bin/python bench/matching.py [--failures]

A pair counts as grouped when the two reports would join one case on their names: the same
country and matching target names (``node.clearinghouse.matching.keys_match`` on the keys
``name_key`` stores), exactly the test that ``node.clearinghouse.cases`` applies after its
country and date filter. Prints the table's composition, precision, recall and the time per
comparison (keys precomputed, as stored) and per key.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from node.clearinghouse import matching  # noqa: E402

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "name_pairs.tsv"


def load(path: Path = TABLE) -> list[tuple[str, str, str, str, str, str]]:
    """(expect, country A, name A, country B, name B, kind) for every row of the table."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expect, country_a, name_a, country_b, name_b, kind = line.split("\t")
            rows.append((expect, country_a, name_a, country_b, name_b, kind))
    return rows


def main() -> None:
    rows = load()
    keys = [(matching.name_key(r[2]), matching.name_key(r[4])) for r in rows]
    for cached in (matching.keys_match, matching._latin_shape, matching._abjad_slots):
        cached.cache_clear()
    start = time.perf_counter()
    decided = [r[1] == r[3] and matching.keys_match(a, b) for r, (a, b) in zip(rows, keys, strict=True)]
    cold = time.perf_counter() - start
    matching.keys_match.cache_clear()  # words seen before (their shapes and patterns cached), pairs not
    start = time.perf_counter()
    for a, b in keys:
        matching.keys_match(a, b)
    warm = time.perf_counter() - start
    start = time.perf_counter()
    for r in rows:
        matching.name_key(r[2])
        matching.name_key(r[4])
    keying = time.perf_counter() - start
    tp = sum(1 for r, d in zip(rows, decided, strict=True) if d and r[0] == "match")
    fp = sum(1 for r, d in zip(rows, decided, strict=True) if d and r[0] == "miss")
    fn = sum(1 for r, d in zip(rows, decided, strict=True) if not d and r[0] == "match")
    expected = Counter(r[0] for r in rows)
    kinds = Counter(r[5].split("-")[0].split("+")[0] for r in rows)
    print(f"pairs: {len(rows)} ({expected['match']} same person, {expected['miss']} near misses)")
    print("by script or convention:", ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"precision: {tp / (tp + fp):.1%} ({tp} of {tp + fp} grouped pairs are the same person)")
    print(f"recall:    {tp / (tp + fn):.1%} ({tp} of {tp + fn} same-person pairs grouped)")
    print(f"time per comparison: {cold / len(rows) * 1e6:.0f} µs with empty caches, "
          f"{warm / len(keys) * 1e6:.0f} µs for a new pair of known words; "
          f"{keying / (2 * len(rows)) * 1e6:.0f} µs to compute a name's key")
    if "--failures" in sys.argv:
        for r, d, (a, b) in zip(rows, decided, keys, strict=True):
            if d != (r[0] == "match"):
                print("WRONG", r[0], r[2], "|", r[4], "  keys:", a, "|", b)


if __name__ == "__main__":
    main()
