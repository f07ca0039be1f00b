"""Every local URI shape, in one place.

All ids we mint are built here so that the id served by a route and the id
written into a document can never drift apart (Mastodon compares them string
for string).
"""

from __future__ import annotations

from dataclasses import dataclass

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@dataclass(frozen=True)
class Urls:
    """Builds absolute URLs for one node.

    ``domain`` is ``host`` or ``host:port`` exactly as it appears in ids and
    in the ``acct:`` handle; ``scheme`` is ``https`` unless the node runs in
    development mode (``--insecure-http``).
    """

    domain: str
    scheme: str = "https"

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def host(self) -> str:
        """The domain without the port."""
        return self.domain.rsplit(":", 1)[0] if self.domain.count(":") == 1 else self.domain

    # actors
    def actor(self, username: str) -> str:
        return f"{self.base}/actors/{username}"

    def key_id(self, username: str) -> str:
        return f"{self.actor(username)}#main-key"

    def inbox(self, username: str) -> str:
        return f"{self.actor(username)}/inbox"

    def outbox(self, username: str) -> str:
        return f"{self.actor(username)}/outbox"

    def followers(self, username: str) -> str:
        return f"{self.actor(username)}/followers"

    def following(self, username: str) -> str:
        return f"{self.actor(username)}/following"

    def featured(self, username: str) -> str:
        return f"{self.actor(username)}/featured"

    def profile(self, username: str) -> str:
        return f"{self.base}/@{username}"

    @property
    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    @property
    def instance_actor(self) -> str:
        return f"{self.base}/actor"

    @property
    def instance_key_id(self) -> str:
        return f"{self.instance_actor}#main-key"

    # objects
    def alert(self, alert_id: str) -> str:
        """The ActivityPub id of an alert (a Note); also its HTML page."""
        return f"{self.base}/alerts/{alert_id}"

    def activity(self, activity_id: str) -> str:
        return f"{self.base}/activities/{activity_id}"

    def joint(self, action_id: str) -> str:
        """The id of one of our joint statements (a Note); also its HTML page."""
        return f"{self.base}/joint/{action_id}"

    def joint_signature(self, action_id: str, signature_id: int) -> str:
        """One signature of a joint statement: the signer's Accept, as received."""
        return f"{self.joint(action_id)}/signatures/{signature_id}"

    def joint_id_from_url(self, url: str) -> str | None:
        """The id of one of our joint statements from its URL; ``None`` for anything else."""
        prefix = f"{self.base}/joint/"
        if isinstance(url, str) and url.startswith(prefix):
            rest = url[len(prefix):]
            if rest and "/" not in rest and "?" not in rest and "#" not in rest:
                return rest
        return None

    def case(self, case_id: str) -> str:
        return f"{self.base}/cases/{case_id}"

    def tag(self, name: str) -> str:
        return f"{self.base}/tags/{name}"

    def media(self, name: str) -> str:
        return f"{self.base}/media/{name}"

    @property
    def alerts_index(self) -> str:
        return f"{self.base}/alerts"

    @property
    def atom_feed(self) -> str:
        return f"{self.base}/feed.atom"

    def alert_id_from_url(self, url: str) -> str | None:
        """The alert id of one of our alert URLs; ``None`` for anything else (not a string included)."""
        prefix = f"{self.base}/alerts/"
        if isinstance(url, str) and url.startswith(prefix):
            rest = url[len(prefix):]
            if rest and "/" not in rest and "?" not in rest and "#" not in rest:
                return rest
        return None
