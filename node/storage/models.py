"""Tortoise models: everything a node keeps.

Queue tables (``InboxItem``, ``FanoutJob``, ``Delivery``) share the lease
columns used by :mod:`node.storage.jobs`: ``status``, ``attempts``,
``next_try``, ``lease_until``, ``locked_by``.
"""

from __future__ import annotations

from typing import Any

import tortoise.models as _tortoise_models
from tortoise import fields
from tortoise.models import Model

# Tortoise's model metaclass reads each class's source (inspect.getsource, which parses the
# whole module again with ast and keeps its lines in linecache) to find "#:" comments that
# document fields. These models have none (they use docstrings), so the scan is switched
# off while the classes below are created: about 70 ms of every start and the module's
# source held in memory for nothing (docs/performance.md). Restored at the end of the module.
_get_comments = _tortoise_models._get_comments
_tortoise_models._get_comments = lambda cls: {}


class QueueMixin:
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    next_try = fields.DatetimeField(db_index=True)
    lease_until = fields.DatetimeField(null=True)
    locked_by = fields.CharField(max_length=64, null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)


class LocalActor(Model):
    """An actor this node owns: the organisation, the instance actor, later topic groups."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=16)  # Organization | Application | Group | Service
    name = fields.CharField(max_length=255)
    summary = fields.TextField(default="")
    private_key_pem = fields.TextField()
    public_key_pem = fields.TextField()
    # FEP-521a assertion key (Ed25519) for integrity proofs (node.activitypub.proofs): PKCS#8 PEM and the
    # publicKeyMultibase ("z6Mk..."). Null only between an upgrade and the node's next start or `aan migrate`.
    ed25519_private_key_pem = fields.TextField(null=True)
    ed25519_public_key = fields.CharField(max_length=64, null=True)
    profile_fields: fields.JSONField[list] = fields.JSONField(default=list)
    icon_url = fields.CharField(max_length=1024, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "local_actors"


class RemoteActor(Model):
    """A cached remote actor document and its key."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=1024, unique=True)
    key_id = fields.CharField(max_length=1024, db_index=True)
    public_key_pem = fields.TextField()
    inbox = fields.CharField(max_length=1024)
    shared_inbox = fields.CharField(max_length=1024, null=True)
    username = fields.CharField(max_length=255, default="")
    domain = fields.CharField(max_length=255, default="")
    name = fields.CharField(max_length=2048, default="")
    kind = fields.CharField(max_length=32, default="Person")
    document: fields.JSONField[dict] = fields.JSONField(default=dict)
    fetched_at = fields.DatetimeField()
    gone = fields.BooleanField(default=False)

    class Meta:
        table = "remote_actors"


class Follower(Model):
    """A remote actor following one of our actors."""

    id = fields.IntField(primary_key=True)
    local_actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="followers")
    actor_uri = fields.CharField(max_length=1024)
    inbox = fields.CharField(max_length=1024)
    shared_inbox = fields.CharField(max_length=1024, null=True)
    follow_id = fields.CharField(max_length=1024)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "followers"
        unique_together = (("local_actor", "actor_uri"),)


class Following(Model):
    """One of our actors following a remote actor."""

    id = fields.IntField(primary_key=True)
    local_actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="following")
    target_uri = fields.CharField(max_length=1024)
    follow_id = fields.CharField(max_length=1024)
    state = fields.CharField(max_length=16, default="pending")  # pending | accepted | rejected
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "following"
        unique_together = (("local_actor", "target_uri"),)


class Alert(Model):
    """An alert published by one of our actors (served as a Note)."""

    id = fields.CharField(max_length=32, primary_key=True)
    local_actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="alerts")
    data: fields.JSONField[dict] = fields.JSONField()  # node.alerts.Alert.to_dict()
    headline = fields.CharField(max_length=512)
    language = fields.CharField(max_length=16)
    country = fields.CharField(max_length=2, db_index=True)
    published = fields.DatetimeField(db_index=True)
    updated = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    featured = fields.BooleanField(default=False)

    class Meta:
        table = "alerts"


class RemoteObject(Model):
    """An object received from elsewhere: alerts of actors we follow, replies to ours."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=1024, unique=True)
    actor_uri = fields.CharField(max_length=1024, db_index=True)
    type = fields.CharField(max_length=32)
    in_reply_to = fields.CharField(max_length=1024, null=True, db_index=True)
    data: fields.JSONField[dict] = fields.JSONField()
    received_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True)
    deleted = fields.BooleanField(default=False)
    via = fields.CharField(max_length=1024, null=True)  # the actor whose boost brought it, if any
    moderation = fields.CharField(max_length=16, default="pending")  # replies: pending | approved | rejected

    class Meta:
        table = "remote_objects"


class Interaction(Model):
    """A Like or Announce of one of our objects."""

    id = fields.IntField(primary_key=True)
    activity_id = fields.CharField(max_length=1024, unique=True)
    kind = fields.CharField(max_length=16)  # Like | Announce
    actor_uri = fields.CharField(max_length=1024)
    object_uri = fields.CharField(max_length=1024, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "interactions"


class Activity(Model):
    """An activity we sent, kept verbatim so it is served and delivered byte for byte."""

    id = fields.CharField(max_length=64, primary_key=True)
    uri = fields.CharField(max_length=1024, unique=True)
    actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="activities")
    type = fields.CharField(max_length=32)
    object_uri = fields.CharField(max_length=1024, null=True, db_index=True)
    body = fields.TextField()  # the serialised JSON, exactly as delivered
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "activities"


class InboxItem(QueueMixin, Model):
    """An incoming activity, stored before we answer 202, processed by the inbox worker."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.CharField(max_length=1024, unique=True)
    actor_uri = fields.CharField(max_length=1024)
    body = fields.TextField()

    class Meta:
        table = "inbox_items"
        indexes = (("status", "next_try", "id"),)  # the claim's range scan (node.storage.jobs.claim)


class FanoutJob(QueueMixin, Model):
    """Stage one of delivery: expand an activity to one Delivery row per inbox."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField("models.Activity", related_name="fanouts")
    extra_inboxes: fields.JSONField[list] = fields.JSONField(default=list)  # inboxes beyond the followers (e.g. a Follow target)
    to_followers = fields.BooleanField(default=True)
    # Further activities fanned out by this job, each like ``activity`` (to its own author's followers
    # and the extra inboxes): the Announces of one boosted alert by the Clearing House and its topic
    # actors are one job.
    more_activities: fields.JSONField[list] = fields.JSONField(default=list)

    class Meta:
        table = "fanout_jobs"
        indexes = (("status", "next_try", "id"),)  # the claim's range scan (node.storage.jobs.claim)


class Delivery(QueueMixin, Model):
    """Stage two: one signed POST of one activity to one inbox."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField("models.Activity", related_name="deliveries")
    inbox = fields.CharField(max_length=1024)
    host = fields.CharField(max_length=255, db_index=True)
    last_status = fields.IntField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "deliveries"
        unique_together = (("activity", "inbox"),)
        indexes = (("status", "next_try", "id"),)  # the claim's range scan (node.storage.jobs.claim)


class Host(Model):
    """Delivery health of one remote host; hosts that keep failing are parked."""

    host = fields.CharField(max_length=255, primary_key=True)
    consecutive_failures = fields.IntField(default=0)
    parked_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    last_success = fields.DatetimeField(null=True)

    class Meta:
        table = "hosts"


# --- Clearing House -----------------------------------------------------------------------------


class Member(Model):
    """A member organisation the Clearing House follows."""

    id = fields.IntField(primary_key=True)
    actor_uri = fields.CharField(max_length=1024, unique=True)
    handle = fields.CharField(max_length=512, default="")
    name = fields.CharField(max_length=2048, default="")
    state = fields.CharField(max_length=16, default="pending")  # pending | active | removed
    added_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "members"


class Case(Model):
    """One incident, grouping every member's alerts about it."""

    id = fields.CharField(max_length=32, primary_key=True)
    title = fields.CharField(max_length=512)
    country = fields.CharField(max_length=2, db_index=True)
    incident_date = fields.CharField(max_length=10, db_index=True)
    merged_into = fields.CharField(max_length=32, null=True, db_index=True)  # the case this one became an alias of
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "cases"


class IndexedAlert(Model):
    """A member's alert as the Clearing House indexed it (never rewritten: the member's Note is kept)."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=1024, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField("models.Member", related_name="alerts")
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField("models.Case", null=True, related_name="alerts")
    alert_type = fields.CharField(max_length=16)
    headline = fields.CharField(max_length=512)
    summary = fields.TextField(default="")
    language = fields.CharField(max_length=16)
    country = fields.CharField(max_length=2, db_index=True)
    incident_date = fields.CharField(max_length=10, db_index=True)
    categories: fields.JSONField[list] = fields.JSONField(default=list)
    act_types: fields.JSONField[list] = fields.JSONField(default=list)
    target_keys: fields.JSONField[list] = fields.JSONField(default=list)
    follows = fields.CharField(max_length=1024, null=True, db_index=True)
    search_text = fields.TextField(default="")
    note: fields.JSONField[dict] = fields.JSONField()
    published = fields.DatetimeField(db_index=True)
    updated = fields.DatetimeField(null=True)
    deleted = fields.BooleanField(default=False)
    review = fields.CharField(max_length=16, default="approved")  # approved | held | rejected
    boost = fields.CharField(max_length=16, default="pending")  # pending | boosted | attached | undone
    received_at = fields.DatetimeField(auto_now_add=True)
    create_activity: fields.JSONField[dict] = fields.JSONField(default=dict)  # the member's Create activity as received

    class Meta:
        table = "indexed_alerts"


class CaseEvent(Model):
    """The audit trail of a case: every grouping decision, automatic or an editor's."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField("models.Case", related_name="events")
    kind = fields.CharField(max_length=16)  # opened | attached | merged | split | moved
    detail: fields.JSONField[dict] = fields.JSONField(default=dict)
    by = fields.CharField(max_length=64, default="system")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "case_events"


class Boost(Model):
    """An Announce of a member's alert by one of our actors (the Clearing House or a topic)."""

    id = fields.IntField(primary_key=True)
    alert: fields.ForeignKeyRelation[IndexedAlert] = fields.ForeignKeyField("models.IndexedAlert", related_name="boosts")
    announcer: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="boosts")
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField("models.Activity", related_name="boosts")
    undone = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "boosts"
        unique_together = (("alert", "announcer"),)


# --- Web interface (staff accounts, drafts, media, moderation) ---------------------------------


class User(Model):
    """A staff account of the web interface (under /admin)."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=512)
    role = fields.CharField(max_length=16, default="editor")  # admin | editor
    can_sign = fields.BooleanField(default=False)  # an editor may sign joint statements (admins always may)
    session_epoch = fields.IntField(default=0)  # bumped by "log out everywhere"
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class WebSession(Model):
    """A signed-in session of the web interface. The cookie carries a random id; only its hash is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", related_name="web_sessions", on_delete=fields.CASCADE)
    key_hash = fields.CharField(max_length=64, unique=True)  # SHA-256 (hex) of the cookie's session id
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField()  # updated at most once a minute
    user_agent = fields.CharField(max_length=255, default="")
    address = fields.CharField(max_length=64, default="")  # the client address, as the proxy reports it

    class Meta:
        table = "web_sessions"


class Draft(Model):
    """An alert being written, or scheduled (embargoed) for a given time; not public until published."""

    id = fields.CharField(max_length=32, primary_key=True)
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField("models.User", null=True, related_name="drafts")
    data: fields.JSONField[dict] = fields.JSONField(default=dict)  # the composer's fields, possibly incomplete
    state = fields.CharField(max_length=16, default="draft", db_index=True)  # draft | scheduled | published
    scheduled_for = fields.DatetimeField(null=True, db_index=True)
    alert_id = fields.CharField(max_length=32, null=True)  # set once published (or when editing an alert)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "drafts"


class Media(Model):
    """An uploaded image (stored under the data directory), federated as an attachment."""

    id = fields.CharField(max_length=32, primary_key=True)
    alert_id = fields.CharField(max_length=32, null=True, db_index=True)
    draft_id = fields.CharField(max_length=32, null=True, db_index=True)
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=64)
    alt_text = fields.TextField()
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    size = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media"


class Setting(Model):
    """Node settings editable by admins (profile languages, header image, allow-list mode…)."""

    key = fields.CharField(max_length=64, primary_key=True)
    value: fields.JSONField[Any] = fields.JSONField()

    class Meta:
        table = "settings"


class FollowerEvent(Model):
    """Follows and unfollows over time, for the dashboard."""

    id = fields.IntField(primary_key=True)
    local_actor: fields.ForeignKeyRelation[LocalActor] = fields.ForeignKeyField("models.LocalActor", related_name="follower_events")
    actor_uri = fields.CharField(max_length=1024)
    kind = fields.CharField(max_length=16)  # follow | unfollow
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "follower_events"


# --- Operations ---------------------------------------------------------------------------------


class DomainBlock(Model):
    """A blocked domain (or, in allow-list mode, an allowed one)."""

    domain = fields.CharField(max_length=255, primary_key=True)
    kind = fields.CharField(max_length=8, default="block")  # block | allow
    reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "domain_blocks"


# --- Joint actions ------------------------------------------------------------------------------


class JointAction(Model):
    """A joint statement: one we proposed (``own``), or one we were invited to sign.

    ``state``: ours ``open`` | ``closed``; received: our answer, ``invited`` | ``signed`` |
    ``declined`` | ``withdrawn`` | ``refused`` (the proposer refused our signature: ``refusal`` says why).
    The text fields are those the signatures bind (``text_hash``, ``version``).
    """

    id = fields.CharField(max_length=32, primary_key=True)
    uri = fields.CharField(max_length=1024, unique=True)  # the statement's id (a Note)
    own = fields.BooleanField(default=True)
    proposer_uri = fields.CharField(max_length=1024)
    proposer_name = fields.CharField(max_length=2048, default="")
    title = fields.CharField(max_length=512)
    language = fields.CharField(max_length=16)
    text = fields.TextField()  # Markdown
    translations: fields.JSONField[dict] = fields.JSONField(default=dict)  # {lang: {title, text}}
    addressed_to: fields.JSONField[list] = fields.JSONField(default=list)  # [{name, role?, contact?}]
    asks: fields.JSONField[list] = fields.JSONField(default=list)
    deadline = fields.DatetimeField(null=True)
    about = fields.CharField(max_length=1024, null=True)
    invite: fields.JSONField[list] = fields.JSONField(default=list)  # ours: the front matter's invite list
    state = fields.CharField(max_length=16, db_index=True)
    refusal = fields.CharField(max_length=32, null=True)
    version = fields.IntField(default=1)
    text_hash = fields.CharField(max_length=80)
    document: fields.JSONField[dict] = fields.JSONField(default=dict)  # received: the statement as last read
    update_due = fields.DatetimeField(null=True, db_index=True)  # ours: an Update of the statement is due
    published = fields.DatetimeField()
    updated = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "joint_actions"


class JointInvitation(Model):
    """Who was invited: for our statements, one row per invitee; for a received one, our own invitation."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[JointAction] = fields.ForeignKeyField(
        "models.JointAction", related_name="invitations", on_delete=fields.CASCADE)
    invitee_uri = fields.CharField(max_length=1024)
    invitee_name = fields.CharField(max_length=2048, default="")
    inviter_uri = fields.CharField(max_length=1024)  # the proposer, or the Clearing House that forwarded it
    invite_id = fields.CharField(max_length=1024, db_index=True)  # the Invite activity's id
    network = fields.BooleanField(default=False)  # ours: the Clearing House, asked to invite every member
    state = fields.CharField(max_length=16, default="invited")  # invited | signed | declined | withdrawn
    accept_id = fields.CharField(max_length=1024, null=True)  # received: our Accept
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "joint_invitations"
        unique_together = (("action", "invitee_uri", "invite_id"),)


class JointSignature(Model):
    """A signer's Accept of one of our statements, kept as received and served at its own URL."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[JointAction] = fields.ForeignKeyField(
        "models.JointAction", related_name="signatures", on_delete=fields.CASCADE)
    signer_uri = fields.CharField(max_length=1024)
    signer_name = fields.CharField(max_length=2048, default="")
    accept_id = fields.CharField(max_length=1024, unique=True)
    document = fields.TextField()  # the Accept with its proof, as received (JSON)
    version = fields.IntField()  # the text version it signed
    state = fields.CharField(max_length=16, default="valid")  # valid | withdrawn
    received_at = fields.DatetimeField(auto_now_add=True)
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "joint_signatures"


class IngestLogEntry(Model):
    """An inbound activity refused (401, 403, 400...) or accepted and ignored (202).

    The last few are kept (``node.storage.ingest_log``), for ``aan ingest log``.

    Never the activity's content: an alert can name people at risk, and a retraction purges
    nothing from here. Only what identifies it (id, type, actor, host) and a short reason.
    """

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    status = fields.SmallIntField()  # the HTTP status answered: 202 (ignored) or the refusal's
    reason = fields.CharField(max_length=64)  # the metric label (aan_inbox_ignored / aan_inbox_rejected)
    activity_id = fields.CharField(max_length=1024, default="")
    type = fields.CharField(max_length=64, default="")
    actor_uri = fields.CharField(max_length=1024, default="")
    host = fields.CharField(max_length=255, default="")
    detail = fields.CharField(max_length=300, default="")

    class Meta:
        table = "ingest_log"


_tortoise_models._get_comments = _get_comments
