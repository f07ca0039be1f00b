"""Cases: one incident, every member's alerts about it; merges and splits are logged.

On ingest an alert joins, in order of preference: the case of the alert it
explicitly follows; the case its ``case`` field names (one of ours); a case in
the same country, with an incident date within a week, sharing a target name
(aliases and transliterations considered, :mod:`matching`); else it opens a
new case. Matching only groups: alerts are never rewritten and stay attributed.
"""

from __future__ import annotations

from datetime import timedelta

from node.activitypub.outbox import new_id
from node.clearinghouse.matching import DATE_WINDOW_DAYS, any_match, as_date
from node.storage.models import Case, CaseEvent, IndexedAlert


class CaseError(LookupError):
    """No such case or alert, or an operation that makes no sense."""


async def resolve(case: Case | None) -> Case | None:
    """Follow merge aliases to the case that is current."""
    seen = set()
    while case is not None and case.merged_into and case.id not in seen:
        seen.add(case.id)
        case = await Case.filter(id=case.merged_into).first()
    return case


async def _explicit(row: IndexedAlert) -> Case | None:
    if row.follows:
        earlier = await IndexedAlert.filter(uri=row.follows).prefetch_related("case").first()
        if earlier and earlier.case:
            return await resolve(earlier.case)
    named = (row.note.get("alert") or {}).get("case") or row.note.get("context")
    if isinstance(named, str) and "/cases/" in named:
        return await resolve(await Case.filter(id=named.rstrip("/").rsplit("/", 1)[1]).first())
    return None


async def candidate(row: IndexedAlert) -> Case | None:
    """The best existing case for this alert by country, date window and target names."""
    when = as_date(row.incident_date)
    if when is None or not row.target_keys:
        return None
    lo = (when - timedelta(days=DATE_WINDOW_DAYS)).isoformat()[:len(row.incident_date)]
    hi = (when + timedelta(days=DATE_WINDOW_DAYS)).isoformat()
    cases = await Case.filter(country=row.country, merged_into=None,
                              incident_date__gte=lo[:7], incident_date__lte=hi).order_by("-created_at")
    best, best_days = None, None
    for case in cases:
        keys = [k for (ks,) in await IndexedAlert.filter(case=case, deleted=False).values_list("target_keys")
                for k in (ks or [])]
        if any_match(row.target_keys, keys):
            days = abs(((as_date(case.incident_date) or when) - when).days)
            if best is None or days < best_days:
                best, best_days = case, days
    return best


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


async def merge(keep_id: str, other_id: str, *, by: str = "editor") -> Case:
    """Fold ``other`` into ``keep``: its alerts move, it stays as an alias (its id keeps resolving)."""
    keep, other = await Case.filter(id=keep_id).first(), await Case.filter(id=other_id).first()
    if keep is None or other is None:
        raise CaseError(f"no case {keep_id if keep is None else other_id!r}")
    if keep.id == other.id or keep.merged_into or other.merged_into:
        raise CaseError("can only merge two distinct, current cases")
    moved = [uri for (uri,) in await IndexedAlert.filter(case=other).values_list("uri")]
    await IndexedAlert.filter(case=other).update(case_id=keep.id)
    other.merged_into = keep.id
    await other.save()
    await CaseEvent.create(case=keep, kind="merged", detail={"from": other.id, "alerts": moved}, by=by)
    await CaseEvent.create(case=other, kind="merged", detail={"into": keep.id}, by=by)
    return keep


async def split(case_id: str, alert_uris: list[str], *, by: str = "editor") -> Case:
    """Move the named alerts of a case into a new case."""
    case = await Case.filter(id=case_id, merged_into=None).first()
    if case is None:
        raise CaseError(f"no current case {case_id!r}")
    rows = await IndexedAlert.filter(case=case, uri__in=alert_uris).order_by("published")
    if len(rows) != len(set(alert_uris)):
        missing = set(alert_uris) - {r.uri for r in rows}
        raise CaseError(f"not in case {case_id}: {', '.join(sorted(missing))}")
    if len(rows) == await IndexedAlert.filter(case=case).count():
        raise CaseError("a split must leave at least one alert in the case")
    first = rows[0]
    new = await Case.create(id=new_id(), title=first.headline, country=first.country,
                            incident_date=first.incident_date)
    await IndexedAlert.filter(id__in=[r.id for r in rows]).update(case_id=new.id)
    await CaseEvent.create(case=case, kind="split", detail={"to": new.id, "alerts": alert_uris}, by=by)
    await CaseEvent.create(case=new, kind="opened", detail={"split_from": case.id, "alerts": alert_uris}, by=by)
    return new
