"""Cases of a Clearing House: list, show, merge, split; and following merge aliases.

``aan case ...`` and the Clearing House's pages call these. Placing a new alert in a
case is the role's (:mod:`node.clearinghouse.cases`); an editor's merges and splits
are logged as :class:`~node.storage.models.CaseEvent` rows like its decisions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from node import errors
from node.activitypub.outbox import new_id
from node.storage.models import Case, CaseEvent, IndexedAlert


class CaseError(errors.Invalid):
    """A case operation that makes no sense."""


class CaseNotFound(CaseError, errors.NotFound):
    """No such (current) case."""


def live(query=None):
    """Alerts that a case shows: approved and not retracted."""
    return (query if query is not None else IndexedAlert).filter(review="approved", deleted=False)


async def refresh_titles(case_ids) -> None:
    """Derive each case's title from its live alerts: the current headline of its first live report
    ("" once none is left: a retracted case keeps no text)."""
    ids = sorted({c for c in case_ids if c})
    if not ids:
        return
    first: dict[str, str] = {}
    for case_id, headline in await live().filter(case_id__in=ids).order_by("published", "id") \
            .values_list("case_id", "headline"):
        first.setdefault(case_id, headline)
    for case in await Case.filter(id__in=ids):
        title = first.get(case.id, "")
        if case.title != title:
            case.title = title
            await case.save(update_fields=["title", "updated_at"])


async def _load_case(case_id: str) -> Case | None:
    return await Case.filter(id=case_id).first()


async def resolve(case: Case | None, load: Callable[[str], Awaitable[Case | None]] = _load_case) -> Case | None:
    """Follow merge aliases to the case that is current (``load`` fetches a case by id, maybe from a cache)."""
    seen = set()
    while case is not None and case.merged_into and case.id not in seen:
        seen.add(case.id)
        case = await load(case.merged_into)
    return case


async def aliases(case_id: str) -> list[str]:
    """Every case merged (directly or through another alias) into ``case_id``."""
    found: list[str] = []
    frontier = [case_id]
    while frontier:
        frontier = [str(c) for c in await Case.filter(merged_into__in=frontier).values_list("id", flat=True)
                    if c not in found and c != case_id]
        found += frontier
    return found


@dataclass
class CaseSummary:
    case: Case
    alerts: int  # live alerts of the case (approved, not retracted)

    @property
    def retracted(self) -> bool:
        """No live alert is left: the case keeps no text, only its id."""
        return self.alerts == 0


@dataclass
class CaseDetail:
    case: Case  # the current case (after following merges)
    alerts: list[IndexedAlert]  # oldest first, with ``member`` loaded
    events: list[CaseEvent]  # its history, in order
    retracted: bool  # no live alert is left: show its id only


async def listing() -> list[CaseSummary]:
    """Current cases (not merged into another), the newest first, with their alert counts."""
    return [CaseSummary(case, await live().filter(case=case).count())
            for case in await Case.filter(merged_into=None).order_by("-created_at")]


async def show(case_id: str) -> CaseDetail:
    """A case (or the case it was merged into) with its alerts and history."""
    case = await resolve(await Case.filter(id=case_id).first())
    if case is None:
        raise CaseNotFound(f"no case {case_id!r}", public="no such case")
    alerts = await IndexedAlert.filter(case=case).prefetch_related("member").order_by("published")
    retracted = not await live().filter(case=case).exists()
    return CaseDetail(case, alerts, await CaseEvent.filter(case=case).order_by("id"), retracted)


async def merge(keep_id: str, other_id: str, *, by: str = "editor") -> Case:
    """Fold ``other`` into ``keep``: its alerts move, it stays as an alias (its id keeps resolving)."""
    keep, other = await Case.filter(id=keep_id).first(), await Case.filter(id=other_id).first()
    if keep is None or other is None:
        raise CaseNotFound(f"no case {keep_id if keep is None else other_id!r}")
    if keep.id == other.id or keep.merged_into or other.merged_into:
        raise CaseError("can only merge two distinct, current cases")
    moved = [uri for (uri,) in await IndexedAlert.filter(case=other).values_list("uri")]
    await IndexedAlert.filter(case=other).update(case_id=keep.id)
    other.merged_into = keep.id
    await other.save()
    await CaseEvent.create(case=keep, kind="merged", detail={"from": other.id, "alerts": moved}, by=by)
    await CaseEvent.create(case=other, kind="merged", detail={"into": keep.id}, by=by)
    await refresh_titles([keep.id, other.id])
    return keep


async def split(case_id: str, alert_uris: list[str], *, by: str = "editor") -> Case:
    """Move the named alerts of a case into a new case."""
    case = await Case.filter(id=case_id, merged_into=None).first()
    if case is None:
        raise CaseNotFound(f"no current case {case_id!r}")
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
    await refresh_titles([case.id, new.id])
    return new
