"""Cases: one incident, every member's alerts about it; merges and splits are logged.

On ingest an alert joins, in order of preference: the case of the alert it
explicitly follows; the case its ``case`` field names (one of ours); a case in
the same country, with an incident date within a week, sharing a target name
(aliases and transliterations considered, :mod:`matching`); else it opens a
new case. Matching only groups: alerts are never rewritten and stay attributed.
An editor's merges and splits are use cases (:mod:`node.services.cases`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from node.activitypub.outbox import new_id
from node.clearinghouse.matching import DATE_WINDOW_DAYS, any_match, as_date
from node.services.cases import resolve
from node.storage import queries
from node.storage.models import Case, CaseEvent, IndexedAlert


def _named_case_id(row: IndexedAlert) -> str | None:
    """The id of one of our cases that the alert names (``case`` field or ``context``), if any."""
    named = (row.note.get("alert") or {}).get("case") or row.note.get("context")
    if isinstance(named, str) and "/cases/" in named:
        return named.rstrip("/").rsplit("/", 1)[1]
    return None


def _window(row: IndexedAlert) -> tuple[str, str] | None:
    """The incident-date bounds (as compared in the database) of the cases this alert may join."""
    when = as_date(row.incident_date)
    if when is None or not row.target_keys:
        return None
    lo = (when - timedelta(days=DATE_WINDOW_DAYS)).isoformat()[:len(row.incident_date)]
    hi = (when + timedelta(days=DATE_WINDOW_DAYS)).isoformat()
    return lo[:7], hi


def _merged_windows(rows) -> list[tuple[str, str, str]]:
    """(country, lo, hi) covering every row's window, overlapping windows of a country merged."""
    by_country: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        window = _window(row)
        if window is not None:
            by_country.setdefault(row.country, []).append(window)
    merged = []
    for country, windows in sorted(by_country.items()):
        windows.sort()
        lo, hi = windows[0]
        for next_lo, next_hi in windows[1:]:
            if next_lo <= hi:
                hi = max(hi, next_hi)
            else:
                merged.append((country, lo, hi))
                lo, hi = next_lo, next_hi
        merged.append((country, lo, hi))
    return merged


def _closest(row: IndexedAlert, cases: list[Case], keys_of) -> Case | None:
    """Of ``cases`` (newest first), the one sharing a target name whose date is nearest (first wins ties)."""
    when = as_date(row.incident_date)
    best, best_days = None, None
    for case in cases:
        if any_match(row.target_keys, keys_of(case)):
            days = abs(((as_date(case.incident_date) or when) - when).days)
            if best is None or days < best_days:
                best, best_days = case, days
    return best


async def _explicit(row: IndexedAlert) -> Case | None:
    if row.follows:
        earlier = await IndexedAlert.filter(uri=row.follows).prefetch_related("case").first()
        if earlier and earlier.case:
            return await resolve(earlier.case)
    named = _named_case_id(row)
    if named is not None:
        return await resolve(await Case.filter(id=named).first())
    return None


async def candidate(row: IndexedAlert) -> Case | None:
    """The best existing case for this alert by country, date window and target names."""
    window = _window(row)
    if window is None:
        return None
    lo, hi = window
    cases = await Case.filter(country=row.country, merged_into=None,
                              incident_date__gte=lo, incident_date__lte=hi).order_by("-created_at")
    keys: dict[str, list[str]] = {case.id: [] for case in cases}
    if cases:
        for case_id, ks in await IndexedAlert.filter(case_id__in=list(keys), deleted=False) \
                .values_list("case_id", "target_keys"):
            keys[case_id].extend(ks or [])
    return _closest(row, cases, lambda case: keys[case.id])


async def place(row: IndexedAlert) -> tuple[Case, bool]:
    """Attach ``row`` to its case (opening one if needed); returns (case, opened)."""
    case = await _explicit(row)
    how = "explicit"
    if case is None:
        case, how = await candidate(row), "matched"
    opened = case is None
    if opened:
        case = await Case.create(id=new_id(), title=row.headline, country=row.country,
                                 incident_date=row.incident_date)
        await CaseEvent.create(case=case, kind="opened", detail={"alert": row.uri})
    else:
        await CaseEvent.create(case=case, kind="attached", detail={"alert": row.uri, "how": how})
    row.case = case
    return case, opened


class Placer:
    """Places a batch of new, approved alerts in order, deciding exactly as :func:`place` would
    one alert at a time, but with a few queries for the whole batch.

    :meth:`load` reads what the batch can touch: the alerts it follows (and their cases), the
    cases it names, and every current case in each alert's country and date window with the
    target names of its alerts. :meth:`place` then decides in memory and keeps the cases it
    opens and the alerts it attaches in view of the alerts after it. Nothing is written: the
    new :class:`Case` and :class:`CaseEvent` objects are in :attr:`new_cases` and
    :attr:`events`, for the caller to insert in the transaction that inserts the alerts.
    """

    def __init__(self) -> None:
        self.cases: dict[str, Case | None] = {}  # every case looked at, by id (None: no such case)
        self.keys: dict[str, list[str]] = {}  # candidate case id -> target keys of its alerts
        self.current: dict[str, list[Case]] = {}  # country -> candidate cases (current ones)
        self.alert_case: dict[str, str | None] = {}  # alert uri -> its case id (followed alerts)
        self.new_cases: list[Case] = []
        self.events: list[CaseEvent] = []
        self._last_stamp: datetime | None = None

    async def load(self, rows: list[IndexedAlert]) -> None:
        follows = sorted({r.follows for r in rows if r.follows})
        if follows:
            self.alert_case.update(await IndexedAlert.filter(uri__in=follows).values_list("uri", "case_id"))
        await self._load_cases({c for c in self.alert_case.values() if c} |
                               {c for c in map(_named_case_id, rows) if c is not None})
        windows = _merged_windows(r for r in rows)
        if not windows:
            return
        for found in await queries.current_cases_in(windows):
            case = self.cases.get(found.id) or found  # one object per case
            self.cases[case.id] = case
            self.keys[case.id] = []
            self.current.setdefault(case.country, []).append(case)
        ids = list(self.keys)
        for start in range(0, len(ids), 5000):
            for case_id, ks in await IndexedAlert.filter(case_id__in=ids[start:start + 5000], deleted=False) \
                    .values_list("case_id", "target_keys"):
                self.keys[case_id].extend(ks or [])

    async def _load_cases(self, ids: set[str]) -> None:
        """Cases by id, and the cases they were merged into, as :func:`resolve` will want them."""
        while ids := {i for i in ids if i not in self.cases}:
            found = {c.id: c for c in await Case.filter(id__in=sorted(ids))}
            for i in ids:
                self.cases[i] = found.get(i)
            ids = {c.merged_into for c in found.values() if c.merged_into}

    async def _case(self, case_id: str) -> Case | None:
        await self._load_cases({case_id})
        return self.cases[case_id]

    async def _resolve(self, case: Case | None) -> Case | None:
        return await resolve(case, self._case)

    async def _explicit(self, row: IndexedAlert) -> Case | None:
        if row.follows:
            case_id = self.alert_case.get(row.follows)
            if case_id:
                await self._load_cases({case_id})
                if self.cases[case_id] is not None:
                    return await self._resolve(self.cases[case_id])
        named = _named_case_id(row)
        if named is not None:
            await self._load_cases({named})
            return await self._resolve(self.cases[named])
        return None

    def _candidate(self, row: IndexedAlert) -> Case | None:
        window = _window(row)
        if window is None:
            return None
        lo, hi = window
        cases = [c for c in self.current.get(row.country, ()) if c.merged_into is None
                 and lo <= c.incident_date <= hi]
        cases.sort(key=lambda c: c.created_at, reverse=True)  # stable: the same order as the query
        return _closest(row, cases, lambda case: self.keys[case.id])

    def _stamp(self) -> datetime:
        """A creation time after every earlier one, so "newest first" stays the order of creation."""
        now = datetime.now(UTC)
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(microseconds=1)
        self._last_stamp = now
        return now

    async def place(self, row: IndexedAlert) -> tuple[Case, bool]:
        """Decide ``row``'s case (opening one if needed) as :func:`place` would; returns (case, opened)."""
        case = await self._explicit(row)
        how = "explicit"
        if case is None:
            case, how = self._candidate(row), "matched"
        opened = case is None
        if opened:
            case = Case(id=new_id(), title=row.headline, country=row.country, incident_date=row.incident_date,
                        created_at=self._stamp())
            self.cases[case.id] = case
            self.keys[case.id] = []
            self.current.setdefault(case.country, []).append(case)
            self.new_cases.append(case)
            self.events.append(CaseEvent(case_id=case.id, kind="opened", detail={"alert": row.uri}))
        else:
            self.events.append(CaseEvent(case_id=case.id, kind="attached", detail={"alert": row.uri, "how": how}))
        if case.id in self.keys:
            self.keys[case.id].extend(row.target_keys or [])
        self.alert_case[row.uri] = case.id
        row.case_id = case.id
        return case, opened
