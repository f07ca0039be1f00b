"""Topic actors: followable ``Group`` actors per country (``@tr@ch``) and per category
(``@detention@ch``), created the first time someone looks them up, each boosting
only the matching alerts (FEP-1b12 style, so Lemmy users can follow them too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from node import vocab
from node.storage.models import Follower, LocalActor

if TYPE_CHECKING:
    from node.service import Node


def is_topic(username: str) -> bool:
    return (len(username) == 2 and username.upper() in vocab.COUNTRIES) or username in vocab.CATEGORIES


def profile(username: str) -> tuple[str, str]:
    if username in vocab.CATEGORIES:
        label = vocab.label(vocab.CATEGORIES, username)
        return f"Alerts: {label}", f"Action alerts in the category {label}, boosted by the Clearing House."
    name = vocab.label(vocab.COUNTRIES, username.upper())
    return f"Alerts: {name}", f"Action alerts about {name}, boosted by the Clearing House."


async def ensure(node: Node, username: str) -> LocalActor | None:
    """The topic actor ``username``, created on demand (Clearing House only)."""
    if node.config.role != "clearinghouse" or not is_topic(username):
        return None
    if username in node.actors:
        return node.actors[username]
    from node.service import create_local_actor

    actor = await LocalActor.filter(username=username).first()
    if actor is None:
        name, summary = profile(username)
        actor = await create_local_actor(username, name, "Group", summary)
    node.remember_actor(actor)
    return actor


async def matching_actors(node: Node, row) -> list[LocalActor]:
    """Topic actors for this alert's country and categories that have followers."""
    names = [row.country.lower(), *row.categories]
    actors = await LocalActor.filter(username__in=names, kind="Group")
    found = []
    for actor in actors:
        if await Follower.filter(local_actor=actor).exists():
            node.remember_actor(actor)
            found.append(node.actors[actor.username])
    return found
