"""What a role plugs into the protocol: inbox handlers, actors and collections.

The protocol never imports a role. A role (the Clearing House) registers what it
does differently in the node's :class:`Registry` (``node.registry``) at start-up,
in its ``install(registry)``; the entry points call that when the configuration
names the role (:func:`node.workers.install_roles`: the web application at start-up,
and every :class:`~node.workers.Workers`, so ``aan worker`` too). The protocol calls
what was registered, and does its own thing where nothing was:

* **objects** (``handle``): the role takes over the objects that other actors send in
  activities of a type: ``Create`` (instead of keeping a followed actor's post),
  ``Update`` of an object (an actor's own document is still refreshed by the protocol),
  ``Delete`` (the protocol still forgets the deleted actor's follows and replies to our
  alerts, and marks what it kept deleted), ``Announce`` of something not ours (instead of
  fetching the object a followed actor boosted);
* **batches** (``handle_batch``): consecutive ``Create`` activities the inbox worker takes
  together, with the same outcome as one call of the ``Create`` handler each;
* **answers to our Follow** (``on_follow_answer``): after an ``Accept`` or ``Reject`` was recorded;
* **actors** (``resolve_actors``): our actors that exist on first lookup (topic actors);
* **collections** (``collection``): served at ``/actors/{username}/{name}`` for our actors;
* **outbox items** (``outbox_items``): more activities of one of our actors for its outbox (the
  Clearing House's and its topic actors' Announces), listed newest first beside its own alerts;
* **post counts** (``count_posts``): added to NodeInfo's ``localPosts`` and named in its metadata;
* **observers** (``observe``): called for every ``Invite``, ``Accept``, ``Reject``, ``Undo`` and
  ``Update`` before the protocol's own handling; one that returns True consumed the activity
  (the protocol does nothing more with it). Joint actions (:mod:`node.services.joint`) observe
  all five on every node; a Clearing House observes ``Invite`` to forward network invitations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from node.storage.models import LocalActor

Handler = Callable[[Any, dict], Awaitable[None]]
"""``(node, activity)``: the activity as the inbox handler got it (``type`` one string)."""
BatchHandler = Callable[[Any, list[dict]], Awaitable[None]]
"""``(node, activities)``."""
FollowAnswer = Callable[[Any, str, bool], Awaitable[None]]
"""``(node, actor_uri, accepted)``: ``actor_uri`` answered our Follow."""
ActorResolver = Callable[[Any, str], Awaitable[LocalActor | None]]
"""``(node, username)``: one of our actors by a username no stored actor has, or None."""
CollectionEndpoint = Callable[[Any, LocalActor], Awaitable[Any]]
"""``(request, actor)``: the response for the collection of ``actor`` (a Starlette ``Response``)."""
OutboxItems = Callable[[Any, LocalActor, int, int], Awaitable[tuple[int, list[tuple[datetime, dict]]]]]
"""``(node, actor, offset, limit)``: (how many there are, the ``limit`` newest after skipping ``offset``,
each as (its time, the activity without ``@context``)); ``limit`` 0 asks for the number only."""
PostCount = Callable[[Any], Awaitable[int]]
"""``(node)``: how many posts of a kind our actors made (NodeInfo)."""
Observer = Callable[[Any, dict], Awaitable[bool]]
"""``(node, activity)``: True if it consumed the activity (see the module docstring)."""
OBSERVABLE = ("Invite", "Accept", "Reject", "Undo", "Update")


class Registry:
    """Everything the roles of one node registered (empty on a member node)."""

    def __init__(self) -> None:
        self.roles: set[str] = set()  # the roles installed (a role installs itself once)
        self.objects: dict[str, Handler] = {}
        self.batches: dict[str, BatchHandler] = {}
        self.follow_answers: list[FollowAnswer] = []
        self.actor_resolvers: list[ActorResolver] = []
        self.collections: dict[str, CollectionEndpoint] = {}
        self.outboxes: list[OutboxItems] = []
        self.post_counts: dict[str, PostCount] = {}
        self.observers: dict[str, list[Observer]] = {}

    def handle(self, activity_type: str, handler: Handler) -> None:
        """``handler`` takes over the objects of ``activity_type`` activities (see the module docstring)."""
        self.objects[activity_type] = handler

    def handle_batch(self, activity_type: str, handler: BatchHandler) -> None:
        self.batches[activity_type] = handler

    def on_follow_answer(self, hook: FollowAnswer) -> None:
        self.follow_answers.append(hook)

    def resolve_actors(self, resolver: ActorResolver) -> None:
        self.actor_resolvers.append(resolver)

    def collection(self, name: str, endpoint: CollectionEndpoint) -> None:
        self.collections[name] = endpoint

    def outbox_items(self, source: OutboxItems) -> None:
        self.outboxes.append(source)

    def count_posts(self, name: str, counter: PostCount) -> None:
        """NodeInfo adds ``counter``'s number to ``localPosts`` and shows it as ``metadata[name]``."""
        self.post_counts[name] = counter

    def observe(self, activity_type: str, observer: Observer) -> None:
        """``observer`` sees every ``activity_type`` activity first, in the order registered."""
        if activity_type not in OBSERVABLE:
            raise ValueError(f"activities of type {activity_type} cannot be observed")
        self.observers.setdefault(activity_type, []).append(observer)

    async def observed(self, node: Any, activity: dict) -> bool:
        """Call the observers of ``activity``'s type; True if one consumed it."""
        for observer in self.observers.get(activity["type"], ()):
            if await observer(node, activity):
                return True
        return False

    async def extra_actor(self, node: Any, username: str) -> LocalActor | None:
        """An actor a role provides for ``username`` (created on first lookup), else None."""
        for resolver in self.actor_resolvers:
            actor = await resolver(node, username)
            if actor is not None:
                return actor
        return None
