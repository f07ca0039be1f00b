"""Before publishing: alerts that look like the same incident, so the author can link instead.

Candidates are this node's live alerts and the network's alerts this node has
received (from actors it follows, such as the Clearing House, and what they
boosted; on a Clearing House node, its index). Nothing else: objects that
reached us from actors we do not follow (replies to our alerts, for one) are
never offered, and "make mine an update of this one" (:func:`known_alert`)
accepts only an alert from the same sources. One looks like the same
incident when it is about the same country and either names a similar target
(``node.clearinghouse.matching``: spellings, scripts, aliases) or happened
within a week (a month for partial dates) and shares a category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q

from node.clearinghouse import matching
from node.storage.models import Alert, Following, IndexedAlert, RemoteObject

if TYPE_CHECKING:
    from node.service import Node

SCAN_LIMIT = 2000
_ALERT_KEYS = ("alert", "aan:alert", "https://w3id.org/aan/ns#alert")


@dataclass
class Candidate:
    url: str
    headline: str
    country: str
    incident_date: str
    published: datetime | None
    ours: bool
    publisher: str = ""
    case: str | None = None
    alert_type: str = "alert"
    alert_id: str | None = None  # ours only
    similar_names: list[str] = field(default_factory=list)
    date_near: bool = False
    score: float = 0.0


def _raw_alert(note: dict) -> dict | None:
    raw = next((note[k] for k in _ALERT_KEYS if isinstance(note, dict) and note.get(k) is not None), None)
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, dict) and "@value" in raw:
        raw = raw["@value"]
    return raw if isinstance(raw, dict) else None


def dates_near(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if len(a) == 10 and len(b) == 10:
        return matching.near(a, b)
    shorter, longer = sorted((a, b), key=len)
    return longer.startswith(shorter) or matching.near(a, b, window=31)


def _judge(draft: dict, other: dict, candidate: Candidate) -> Candidate | None:
    draft_keys = matching.target_keys([t for t in draft.get("targets") or [] if isinstance(t, dict)])
    other_targets = [t for t in other.get("targets") or [] if isinstance(t, dict)]
    similar = []
    for target in other_targets:
        keys = matching.target_keys([target])
        if draft_keys and keys and matching.any_match(draft_keys, keys):
            similar.append(str(target.get("name") or ""))
    near = dates_near(str(draft.get("incident_date") or ""), str(other.get("incident_date") or ""))
    shared = bool(set(draft.get("categories") or []) & set(other.get("categories") or [])) or \
        bool(set(draft.get("act_types") or []) & set(other.get("act_types") or []))
    if not similar and not (near and shared):
        return None
    candidate.similar_names = similar
    candidate.date_near = near
    candidate.score = 2.0 * bool(similar) + 1.0 * near + 0.5 * shared
    return candidate


async def find(node: Node, draft: dict[str, Any], *, exclude: set[str] | None = None, limit: int = 5) -> list[Candidate]:
    """Alerts that look like the incident ``draft`` (raw draft alert data) describes."""
    country = str(draft.get("country") or "").upper()
    if not country:
        return []
    urls = node.urls
    skip = set(exclude or ())
    for key in ("follows",):
        if draft.get(key):
            skip.add(draft[key])
    case = draft.get("case") or None
    found: dict[str, Candidate] = {}

    def consider(url: str, other: dict, **info) -> None:
        if url in skip or url in found or str(other.get("country") or "").upper() != country:
            return
        if case and other.get("case") == case:
            return  # already linked to the same case
        candidate = Candidate(url=url, headline=str(other.get("headline") or ""), country=country,
                              incident_date=str(other.get("incident_date") or ""),
                              case=other.get("case"), alert_type=str(other.get("type") or "alert"), **info)
        judged = _judge(draft, other, candidate)
        if judged:
            found[url] = judged

    for row in await Alert.filter(deleted_at=None, country=country).order_by("-published").limit(SCAN_LIMIT):
        consider(urls.alert(row.id), row.data or {}, published=row.published, ours=True,
                 publisher=node.config.name, alert_id=row.id)
    own_prefix = urls.base + "/"
    followed = await followed_actors()
    remote = await _from_followed(followed).order_by("-id").limit(SCAN_LIMIT) if followed else []
    for row in remote:
        if row.uri.startswith(own_prefix):
            continue
        other = _raw_alert(row.data or {})
        if other:
            consider(row.uri, other, published=_parse_time(row.data.get("published")), ours=False,
                     publisher=row.actor_uri)
    for row in await IndexedAlert.filter(deleted=False, country=country).order_by("-published").limit(SCAN_LIMIT):
        if row.uri.startswith(own_prefix):
            continue
        other = _raw_alert(row.note or {}) or {}
        consider(row.uri, other, published=row.published, ours=False, publisher=row.uri.split("/")[2])
    ranked = sorted(found.values(), key=lambda c: (-c.score, -(c.published.timestamp() if c.published else 0)))
    return ranked[:limit]


async def followed_actors() -> list[str]:
    """The actors this node follows (accepted): members it reads, the Clearing House it belongs to."""
    return list(await Following.filter(state="accepted").values_list("target_uri", flat=True))


def _from_followed(followed: list[str]):
    """Live objects written by a followed actor, or boosted to us by one (the Clearing House)."""
    return RemoteObject.filter(deleted=False).filter(Q(actor_uri__in=followed) | Q(via__in=followed))


@dataclass
class KnownAlert:
    url: str
    case: str | None


def _case_url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 1024 \
            and not any(c.isspace() for c in value):
        return value
    return None


async def known_alert(node: Node, url: Any) -> KnownAlert | None:
    """``url`` if it is an alert this node knows, with its case: one of its own live alerts, an alert
    received from a followed actor (or boosted by one), or on a Clearing House an indexed alert."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    alert_id = node.urls.alert_id_from_url(url)
    if alert_id:
        row = await Alert.filter(id=alert_id, deleted_at=None).first()
        return KnownAlert(node.urls.alert(row.id), _case_url((row.data or {}).get("case"))) if row else None
    if url.startswith(node.urls.base + "/"):
        return None
    followed = await followed_actors()
    if followed:
        row = await _from_followed(followed).filter(uri=url).first()
        raw = _raw_alert(row.data or {}) if row else None
        if raw is not None:
            return KnownAlert(row.uri, _case_url(raw.get("case")) or _case_url(row.data.get("context")))
    indexed = await IndexedAlert.filter(uri=url, deleted=False).first()
    if indexed is not None:
        raw = _raw_alert(indexed.note or {}) or {}
        return KnownAlert(indexed.uri, _case_url(raw.get("case")))
    return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
