"""Joint actions: members co-sign a statement from their own nodes; anyone can verify the signatories.

Use cases: propose (a Markdown file with front matter, :func:`parse_proposal`), edit, close,
list, show, sign, decline, withdraw (of an invitation we received), verify (any statement,
by URL), and what the inbox does with ``Invite``, ``Accept``, ``Reject``, ``Undo`` and
``Update`` (:func:`install` registers it). The wire format is in :mod:`node.activitypub.joint`
and FEDERATION.md ("Joint actions").

Signatures that arrive together produce one ``Update`` of the statement: each accepted
signature sets ``update_due`` (if not set) to a moment ``UPDATE_DELAY`` seconds ahead, and
the worker's scheduler (:func:`send_due_updates`) sends one ``Update`` per statement whose
moment has come, claiming the row so that two workers never both send it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from tortoise.expressions import F
from tortoise.functions import Coalesce
from tortoise.transactions import in_transaction

from node import errors
from node.activitypub import joint as wire
from node.activitypub import outbox
from node.activitypub.fetch import FetchError
from node.activitypub.normalize import embedded, ignored, type_of
from node.activitypub.remote import get_id, resolve, same_origin
from node.alerts import _front_matter_loader, _split_front_matter, _yaml_problem
from node.storage.models import (
    Activity,
    Follower,
    JointAction,
    JointInvitation,
    JointSignature,
    RemoteActor,
)

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.joint")
UPDATE_DELAY = 1.0  # seconds: signatures arriving within this window share one Update
FEATURE = "joint"
OWN_STATES = ("open", "closed")
INVITATION_STATES = ("invited", "signed", "declined", "withdrawn", "refused")


class ProposalError(errors.Invalid):
    """A joint action file is invalid; ``fields`` holds every problem (all reported at once)."""


class VerificationFailed(errors.AanError):
    """``aan joint verify`` found a signature that does not hold (exit status 1)."""

    public = "a signature is invalid"
    exit_code = 1


class Refused(errors.Conflict):
    """A signature arrived too late or for an outdated text; ``reason`` is one of ``wire.REFUSALS``."""

    def __init__(self, reason: str, detail: str):
        self.reason = reason
        super().__init__(detail, public=f"signature refused: {reason}")


# --- the proposal file --------------------------------------------------------------------------


@dataclass
class Addressee:
    name: str
    role: str | None = None
    contact: str | None = None


@dataclass
class Version:
    """The statement in another language: its title and its text (Markdown)."""

    title: str
    text: str


@dataclass(kw_only=True)
class Proposal:
    title: str
    language: str
    text: str  # Markdown
    addressed_to: list[Addressee]
    asks: list[str]
    deadline: dt.datetime | None = None
    about: str | None = None
    invite: list[str] = field(default_factory=list)  # handles, actor URLs and/or "network"
    translations: dict[str, Version] = field(default_factory=dict)  # language tag -> title and text

    def fields(self) -> dict[str, Any]:
        """The text fields a signature binds (:func:`node.activitypub.joint.text_fields`), every
        language version included."""
        return wire.text_fields(title=self.title, language=self.language, text=self.text,
                                addressed_to=[_addressee_dict(a) for a in self.addressed_to],
                                asks=list(self.asks), about=self.about,
                                translations=_translations_dict(self.translations))


def _translations_dict(translations: dict[str, Version]) -> dict[str, dict[str, str]]:
    return {lang: {"title": v.title, "text": v.text} for lang, v in translations.items()}


def _addressee_dict(a: Addressee) -> dict[str, str]:
    return {k: v for k, v in dataclasses.asdict(a).items() if v is not None}


_FIELDS = ("type", "title", "language", "addressed_to", "asks", "deadline", "about", "invite", "translations")
_ADDRESSEE_FIELDS = ("name", "role", "contact")
_VERSION_FIELDS = ("title", "text")
_LANGUAGE_RE = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{2}|[0-9]{3}))?$")
_HANDLE_RE = re.compile(r"^@?[^@\s/]+@[^@\s/]+$")


def parse_proposal(text: str, *, now: dt.datetime | None = None) -> Proposal:
    """Read a joint action file (front matter, then the letter); raises :class:`ProposalError`
    naming every problem at once (``fields``: field -> message). The fields are checked by
    :func:`check_proposal`, as those of the web form."""
    import yaml  # imported by the first proposal (an idle node parses none)

    header, body = _split_front_matter(text)
    try:
        data = yaml.load(header, Loader=_front_matter_loader())
    except (yaml.YAMLError, ValueError) as exc:
        raise ProposalError(f"front matter is not valid YAML: {_yaml_problem(exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProposalError("front matter must be a list of 'field: value' lines")
    return check_proposal(data, body, now=now)


def check_proposal(data: dict[str, Any], letter: str, *, now: dt.datetime | None = None) -> Proposal:
    """The one check of a proposal, from a file's front matter or from the web form: ``data`` has
    the front matter's fields (``type`` must be ``joint_action``), ``letter`` is the Markdown text.
    Raises :class:`ProposalError` naming every problem at once (``fields``: field path -> message,
    e.g. ``addressed_to[1].name``, ``translations.fr.text``, ``body`` for the letter)."""
    problems: dict[str, str] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, message)

    for key in data:
        if key not in _FIELDS:
            hint = difflib.get_close_matches(str(key), _FIELDS, n=1, cutoff=0.75)
            problem(str(key), "unknown field" + (f" (did you mean '{hint[0]}'?)" if hint else ""))
    if data.get("type") != "joint_action":
        problem("type", "must be 'joint_action'")
    title = _title(data.get("title"), "title", problem)
    language = _language(data.get("language"), "language", problem)
    addressees = _addressees(data.get("addressed_to"), problem)
    asks = _texts(data.get("asks"), "asks", problem)
    if not asks and "asks" not in problems:
        problem("asks", "missing (what the signatories ask for)")
    deadline = _deadline(data.get("deadline"), problem, now or dt.datetime.now(dt.UTC))
    about = _text(data.get("about"), "about", problem)
    if about:
        parts = urlsplit(about)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in about):
            problem("about", "expected an http or https URL of an alert or a case")
    invite = _texts(data.get("invite"), "invite", problem)
    for item in invite:
        if item != "network" and not _HANDLE_RE.match(item) and not item.startswith(("http://", "https://")):
            problem("invite", f"'{item}' is not a user@host handle, an actor URL or 'network'")
    if not invite and "invite" not in problems:
        problem("invite", "missing (user@host handles, actor URLs and/or 'network')")
    letter = _letter(letter)
    if not letter.strip():
        problem("body", "missing (write the letter after the closing '---' line)")
    translations = _versions(data.get("translations"), language, problem)
    if problems:
        raise ProposalError(fields=problems)
    return Proposal(title=title or "", language=language or "", text=letter, addressed_to=addressees,
                    asks=asks, deadline=deadline, about=about, invite=list(dict.fromkeys(invite)),
                    translations=translations)


def _letter(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def _title(value: Any, name: str, problem) -> str | None:
    title = _text(value, name, problem, required=True)
    if title and ("\n" in title or len(title) > 512):
        problem(name, "must be a single line of at most 512 characters")
    return title


def _language(value: Any, name: str, problem) -> str | None:
    language = _text(value, name, problem, required=True)
    match = _LANGUAGE_RE.match(language or "")
    if language and not match:
        problem(name, "expected a BCP 47 tag such as 'en' or 'pt-BR'")
        return None
    if match:
        return match.group(1).lower() + (f"-{match.group(2).upper()}" if match.group(2) else "")
    return None


def _versions(value: Any, language: str | None, problem) -> dict[str, Version]:
    """``translations``: language tag -> ``{title, text}``, both required (a signature binds them)."""
    if value is None or value == {}:
        return {}
    if not isinstance(value, dict):
        problem("translations", "must be a mapping of language tags to title and text")
        return {}
    found: dict[str, Version] = {}
    for raw, item in value.items():
        lang = _language(str(raw), f"translations.{raw}", problem)
        if lang is None:
            continue
        path = f"translations.{lang}"
        if lang == language:
            problem(path, "repeats the statement's own language")
            continue
        if lang in found:
            problem(path, "appears twice")
            continue
        if not isinstance(item, dict):
            problem(path, "must be a mapping with title and text")
            continue
        unknown = [k for k in item if k not in _VERSION_FIELDS]
        if unknown:
            problem(f"{path}.{unknown[0]}", "unknown field (expected title, text)")
        title = _title(item.get("title"), f"{path}.title", problem)
        text = _letter(item.get("text"))
        if not text.strip():
            problem(f"{path}.text", "missing")
        if title and text.strip():
            found[lang] = Version(title=title, text=text)
    return found


def _text(value: Any, name: str, problem, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problem(name, "missing")
        return None
    if not isinstance(value, str):
        problem(name, "must be text")
        return None
    return value.strip()


def _texts(value: Any, name: str, problem) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problem(name, "must be a list of texts")
        return []
    return [v.strip() for v in value if v.strip()]


def _addressees(value: Any, problem) -> list[Addressee]:
    if not value:
        problem("addressed_to", "missing (whom the statement is addressed to: name, role, contact)")
        return []
    if not isinstance(value, list):
        problem("addressed_to", "must be a list of entries with name, role and contact")
        return []
    found = []
    for i, item in enumerate(value):
        path = f"addressed_to[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            problem(path, "must be a mapping with name, role and contact")
            continue
        unknown = [k for k in item if k not in _ADDRESSEE_FIELDS]
        if unknown:
            problem(f"{path}.{unknown[0]}", "unknown field (expected name, role, contact)")
        name = _text(item.get("name"), f"{path}.name", problem, required=True)
        role = _text(item.get("role"), f"{path}.role", problem)
        contact = _text(item.get("contact"), f"{path}.contact", problem)
        if name:
            found.append(Addressee(name=name, role=role, contact=contact))
    return found


def _deadline(value: Any, problem, now: dt.datetime) -> dt.datetime | None:
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, dt.date) else value
    if not isinstance(text, str):
        problem("deadline", "expected YYYY-MM-DD or an ISO 8601 date and time")
        return None
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            moment = dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.strip())
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
    except ValueError:
        problem("deadline", "expected YYYY-MM-DD or an ISO 8601 date and time")
        return None
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    if moment <= now:
        problem("deadline", "is already past")
    return moment


# --- helpers ------------------------------------------------------------------------------------


def _remotes(node: Node):
    assert node.remotes is not None  # set by Node.open()
    return node.remotes


def _fetcher(node: Node):
    assert node.fetcher is not None  # set by Node.open()
    return node.fetcher


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _row_fields(row: JointAction) -> dict[str, Any]:
    return wire.text_fields(title=row.title, language=row.language, text=row.text,
                            addressed_to=list(row.addressed_to or []), asks=list(row.asks or []), about=row.about,
                            translations=dict(row.translations or {}))


async def get_action(node: Node, action_id: str, *, own: bool | None = None) -> JointAction:
    row = await JointAction.filter(id=action_id).first()
    if row is None and node.urls.joint_id_from_url(action_id):
        row = await JointAction.filter(id=node.urls.joint_id_from_url(action_id)).first()
    if row is None:
        row = await JointAction.filter(uri=action_id).first()
    if row is None:
        raise errors.NotFound(f"no joint action {action_id!r}")
    if own is True and not row.own:
        raise errors.Conflict(f"joint action {row.id} was proposed by {row.proposer_uri}, not by us",
                              public="not our joint action")
    if own is False and row.own:
        raise errors.Conflict(f"joint action {row.id} is our own: there is no invitation to answer",
                              public="not an invitation")
    return row


def is_open(row: JointAction, now: dt.datetime | None = None) -> bool:
    """Whether one of our statements takes signatures (open and before its deadline)."""
    deadline = _aware(row.deadline)
    return row.state == "open" and (deadline is None or (now or _now()) <= deadline)


async def _resolve(node: Node, handle_or_url: str) -> RemoteActor:
    try:
        return await resolve(node, handle_or_url)
    except FetchError as exc:
        raise errors.RemoteFailure(f"cannot resolve {handle_or_url}: {exc.reason}",
                                   public="the account could not be found") from None


async def our_clearinghouse(node: Node) -> RemoteActor | None:
    """The Clearing House this node is a member of: a follower that advertises ``aanAudience``."""
    followers = await Follower.filter(local_actor=node.org).values_list("actor_uri", flat=True)
    for row in await RemoteActor.filter(uri__in=list(followers)).order_by("id"):
        audience = (row.document or {}).get("aanAudience")
        if isinstance(audience, str) and same_origin(audience, row.uri):
            return row
    return None


# --- proposing ----------------------------------------------------------------------------------


async def _invitees(node: Node, invite: list[str]) -> tuple[list[tuple[RemoteActor, bool]], dict[str, str]]:
    """Each invitee resolved (``network``: our Clearing House), and the problems (field ``invite``)."""
    invitees: list[tuple[RemoteActor, bool]] = []
    problems: dict[str, str] = {}
    for item in invite:
        if item == "network":
            ch = await our_clearinghouse(node)
            if ch is None:
                problems["invite"] = "'network': this node is not a member of a Clearing House"
            else:
                invitees.append((ch, True))
            continue
        try:
            found = await _resolve(node, item)
        except errors.RemoteFailure as exc:
            problems.setdefault("invite", f"'{item}': {exc.public}")
            log.info("%s", exc.detail)
            continue
        if found.uri == node.urls.actor(node.org.username):
            problems.setdefault("invite", f"'{item}' is this node's own actor")
            continue
        invitees.append((found, False))
    return invitees, problems


async def check(node: Node, data: dict[str, Any], letter: str) -> Proposal:
    """:func:`check_proposal`, and each invitee looked up, every problem reported at once (the web
    form's check before :func:`propose`, which looks them up again)."""
    try:
        proposal = check_proposal(data, letter)
    except ProposalError as exc:
        problems = dict(exc.fields)
        invite = data.get("invite")
        if "invite" not in problems and isinstance(invite, list) and all(isinstance(i, str) for i in invite):
            problems.update((await _invitees(node, [i.strip() for i in invite if i.strip()]))[1])
        raise ProposalError(fields=problems) if problems else exc from None
    _, problems = await _invitees(node, proposal.invite)
    if problems:
        raise ProposalError(fields=problems)
    return proposal


async def propose(node: Node, proposal: Proposal) -> JointAction:
    """Publish the statement (a ``Create`` to our followers) and send an ``Invite`` to each invitee.

    Every invitee is resolved first: one that cannot be found (or ``network`` on a node that is
    no member of a Clearing House) refuses the whole proposal, which then changes nothing.
    """
    invitees, problems = await _invitees(node, proposal.invite)
    if problems:
        raise ProposalError(fields=problems)
    actor = node.org
    urls = node.urls
    action_id = outbox.new_id()
    published = _now()
    fields = proposal.fields()
    digest = wire.content_hash(fields)
    note = wire.statement_note(urls=urls, username=actor.username, action_id=action_id, fields=fields, version=1,
                               digest=digest, state="open", deadline=proposal.deadline, published=published,
                               updated=None, signatures=[], earlier=[])
    async with in_transaction() as conn:
        row = await JointAction.create(
            id=action_id, uri=urls.joint(action_id), own=True, proposer_uri=urls.actor(actor.username),
            proposer_name=actor.name, title=proposal.title, language=proposal.language, text=proposal.text,
            addressed_to=fields["addressedTo"], asks=fields["asks"], deadline=proposal.deadline,
            about=proposal.about, invite=proposal.invite, state="open", version=1, text_hash=digest,
            translations=fields.get("translations") or {},
            published=published, using_db=conn)
        create_id = outbox.new_id()
        create = outbox.envelope("Create", urls, actor, create_id, note, published)
        create["@context"] = wire.JOINT_CONTEXT
        await outbox.queue_activity(actor, urls, create, activity_id=create_id, object_uri=row.uri, conn=conn)
        for invitee, network in invitees:
            invite_id = outbox.new_id()
            activity = wire.invite(urls=urls, username=actor.username, activity_id=invite_id, statement=row.uri,
                                   invitee=invitee.uri, network=network, published=published)
            await outbox.queue_activity(actor, urls, activity, activity_id=invite_id, object_uri=row.uri,
                                        to_followers=False, extra_inboxes=[invitee.inbox], conn=conn)
            await JointInvitation.create(action=row, invitee_uri=invitee.uri, invitee_name=invitee.name,
                                         inviter_uri=urls.actor(actor.username), invite_id=activity["id"],
                                         network=network, using_db=conn)
    node.poke()
    return row


async def edit(node: Node, action_id: str, proposal: Proposal) -> JointAction:
    """Replace the text of one of our statements. A changed text is a new version: earlier
    signatures count as given for an earlier version, and signing reopens. The invite list
    of the file is not used (invitations stand)."""
    row = await get_action(node, action_id, own=True)
    fields = proposal.fields()
    digest = wire.content_hash(fields)
    async with in_transaction() as conn:
        if digest != row.text_hash:
            row.version += 1
            row.text_hash = digest
            row.state, row.closed_at = "open", None
            await JointInvitation.filter(action=row, state="signed").using_db(conn).update(state="invited")
        row.title, row.language, row.text = proposal.title, proposal.language, proposal.text
        row.addressed_to, row.asks, row.about = fields["addressedTo"], fields["asks"], proposal.about
        row.translations = fields.get("translations") or {}
        row.deadline = proposal.deadline
        row.update_due = _now()
        await row.save(using_db=conn)
    node.poke()
    return row


async def close(node: Node, action_id: str) -> JointAction:
    """Take no more signatures for one of our statements (followers and invitees get an Update)."""
    row = await get_action(node, action_id, own=True)
    if row.state == "closed":
        raise errors.Conflict(f"joint action {row.id} is already closed", public="already closed")
    row.state, row.closed_at, row.update_due = "closed", _now(), _now()
    await row.save(update_fields=["state", "closed_at", "update_due"])
    node.poke()
    return row


def preview(node: Node, data: dict[str, Any], letter: str) -> dict[str, Any]:
    """The statement's ``Note`` as it would be published now, built from whatever ``data`` and
    ``letter`` hold (complete or not: the composer's preview; nothing is checked or stored)."""
    language = data.get("language") if isinstance(data.get("language"), str) else ""
    addressees = [dict(a) for a in data.get("addressed_to") or [] if isinstance(a, dict) and a.get("name")]
    versions = {lang: {"title": str(v.get("title") or ""), "text": _letter(v.get("text"))}
                for lang, v in (data.get("translations") or {}).items()
                if isinstance(v, dict) and (v.get("title") or v.get("text")) and lang != language}
    fields = wire.text_fields(title=str(data.get("title") or ""), language=language or "und",
                              text=_letter(letter), addressed_to=addressees,
                              asks=[a for a in data.get("asks") or [] if isinstance(a, str) and a.strip()],
                              about=data.get("about") or None, translations=versions)
    deadline = None
    if data.get("deadline"):
        found: dict[str, str] = {}
        deadline = _deadline(data["deadline"], found.setdefault, dt.datetime.now(dt.UTC))
    now = _now()
    return wire.statement_note(urls=node.urls, username=node.org.username, action_id="preview", fields=fields,
                               version=1, digest=wire.content_hash(fields), state="open", deadline=deadline,
                               published=now, updated=None, signatures=[], earlier=[])


def proposal_data(row: JointAction) -> tuple[dict[str, Any], str]:
    """(front matter fields, letter) of one of our statements: what its edit form starts from."""
    data = {"type": "joint_action", "title": row.title, "language": row.language,
            "addressed_to": [dict(a) for a in row.addressed_to or []], "asks": list(row.asks or []),
            "deadline": _aware(row.deadline).isoformat() if row.deadline else "",  # type: ignore[union-attr]
            "about": row.about or "", "invite": list(row.invite or []),
            "translations": {lang: dict(v) for lang, v in (row.translations or {}).items()}}
    return data, row.text


# --- listing ------------------------------------------------------------------------------------


@dataclass
class Listed:
    action: JointAction
    state: str  # open | closed | invited | signed | declined | withdrawn | refused: <why>
    signatures: int  # ours: current valid signatures; received: as the latest statement lists them


async def list_actions(node: Node) -> list[Listed]:
    """Every joint action, ours and those we were invited to, oldest first."""
    rows = await JointAction.all().order_by("created_at", "id")
    counts: dict[str, int] = {}
    for row in rows:
        if row.own:
            counts[row.id] = await JointSignature.filter(action=row, state="valid", version=row.version).count()
    out = []
    for row in rows:
        if row.own:
            state = "closed" if not is_open(row) else "open"
            out.append(Listed(row, state, counts[row.id]))
        else:
            state = f"refused: {row.refusal}" if row.state == "refused" else row.state
            listed = (wire.extension(row.document or {}, "jointAction") or {}).get("signatures")
            out.append(Listed(row, state, len(listed) if isinstance(listed, list) else 0))
    return out


async def signatures(node: Node, row: JointAction) -> tuple[list[JointSignature], list[JointSignature]]:
    """(current, earlier) valid signatures of one of our statements, in the order they arrived;
    ``earlier`` are for an earlier version of the text, by signers who did not sign it again."""
    rows = await JointSignature.filter(action=row, state="valid").order_by("received_at", "id")
    current = [s for s in rows if s.version == row.version]
    signed_now = {s.signer_uri for s in current}
    earlier: list[JointSignature] = []
    for s in rows:
        if s.version != row.version and s.signer_uri not in signed_now \
                and s.signer_uri not in {e.signer_uri for e in earlier}:
            earlier.append(s)
    return current, earlier


async def invitations(node: Node, row: JointAction) -> list[JointInvitation]:
    """Who was invited to one of our statements (and how they answered), oldest first."""
    return await JointInvitation.filter(action=row).order_by("created_at", "id")


async def statement(node: Node, action_id: str) -> dict[str, Any]:
    """The current ``Note`` of one of our statements (what its URL serves)."""
    row = await get_action(node, action_id, own=True)
    return await _note(node, row)


async def _note(node: Node, row: JointAction) -> dict[str, Any]:
    current, earlier = await signatures(node, row)
    urls = node.urls

    def entry(s: JointSignature) -> dict[str, Any]:
        return {"signer": s.signer_uri, "name": s.signer_name, "signature": urls.joint_signature(row.id, s.id),
                "accept": s.accept_id}

    return wire.statement_note(
        urls=urls, username=node.org.username, action_id=row.id, fields=_row_fields(row), version=row.version,
        digest=row.text_hash, state="open" if is_open(row) else "closed", deadline=_aware(row.deadline),
        published=_aware(row.published) or _now(), updated=_aware(row.updated),
        signatures=[entry(s) for s in current], earlier=[{**entry(s), "version": s.version} for s in earlier])


async def signature_document(node: Node, action_id: str, signature_id: int) -> str:
    """A signature of one of our statements: the signer's Accept as received (JSON text)."""
    row = await JointSignature.filter(id=signature_id, action_id=action_id).first()
    if row is None or row.state != "valid":
        raise errors.NotFound(f"no signature {signature_id} of joint action {action_id}")
    return row.document


async def send_due_updates(node: Node) -> int:
    """Send one ``Update`` of each of our statements whose signatures changed (see the module docstring)."""
    now = _now()
    sent = 0
    for row in await JointAction.filter(own=True, update_due__lte=now).order_by("update_due"):
        claimed = await JointAction.filter(id=row.id, update_due=row.update_due).update(update_due=None)
        if not claimed:  # another worker took it
            continue
        await _send_update(node, await JointAction.get(id=row.id))
        sent += 1
    if sent:
        node.poke()
    return sent


async def _send_update(node: Node, row: JointAction) -> None:
    actor, urls = node.org, node.urls
    previous = _aware(row.updated) or _aware(row.published) or _now()
    row.updated = max(_now(), previous + dt.timedelta(seconds=1))  # strictly later: receivers keep the newest
    note = await _note(node, row)
    invitees = await JointInvitation.filter(action=row).values_list("invitee_uri", flat=True)
    found: list[str] = await RemoteActor.filter(uri__in=list(invitees)).values_list("inbox", flat=True)  # type: ignore[assignment]
    inboxes = list(dict.fromkeys(found))
    activity_id = outbox.new_id()
    update = outbox.envelope("Update", urls, actor, activity_id, note, row.updated)
    update["@context"] = wire.JOINT_CONTEXT
    async with in_transaction() as conn:
        await row.save(update_fields=["updated"], using_db=conn)
        await outbox.queue_activity(actor, urls, update, activity_id=activity_id, object_uri=row.uri,
                                    extra_inboxes=inboxes, conn=conn)
        # Our stored Create and Updates of the statement serve its current text.
        for record in await Activity.filter(object_uri=row.uri, type__in=["Create", "Update"]).using_db(conn):
            doc = orjson.loads(record.body)
            if isinstance(doc.get("object"), dict) and doc["object"] != note:
                doc["object"] = note
                record.body = orjson.dumps(doc).decode()
                await record.save(update_fields=["body"], using_db=conn)


async def _schedule_update(row: JointAction, *, conn=None) -> None:
    """An Update is due in ``UPDATE_DELAY`` seconds, or when one already due is sent.

    The row is written whatever it held (``COALESCE`` keeps a due time already set): the write
    locks it until our transaction commits, so a scheduler claiming it meanwhile waits and then
    builds the Update with what we added (a conditional write that changed nothing would not).
    """
    due = _now() + dt.timedelta(seconds=UPDATE_DELAY)
    await JointAction.filter(id=row.id).using_db(conn).update(update_due=Coalesce(F("update_due"), due))


@dataclass
class InviteeStatus:
    invitation: JointInvitation
    delivery: str  # pending | failed | delivered | unknown: the Invite and Updates sent to the invitee


async def invitee_statuses(node: Node, row: JointAction) -> list[InviteeStatus]:
    """Each invitee of one of our statements, its answer, and whether what we sent it (its Invite,
    the statement's Updates) is still on its way: ``pending`` while a delivery to its inbox is queued
    or retried (or the fan-out that makes them has not run), ``failed`` if one was given up."""
    from node.storage import jobs

    rows = await invitations(node, row)
    actors = {a.uri: a for a in await RemoteActor.filter(uri__in=[i.invitee_uri for i in rows])}
    activities = await Activity.filter(object_uri=row.uri, type__in=["Invite", "Update"]).order_by("created_at")
    deliveries: dict[str, list] = {}
    preparing: dict[str, bool] = {}
    for activity in activities:
        deliveries[activity.uri] = await jobs.deliveries_of(activity.id)
        preparing[activity.uri] = await jobs.fanout_pending(activity.id)
    out = []
    for invitation in rows:
        actor = actors.get(invitation.invitee_uri)
        inboxes = {actor.inbox, actor.shared_inbox} - {None} if actor else set()
        states = []
        for activity in activities:
            if activity.type == "Invite" and activity.uri != invitation.invite_id:
                continue
            if activity.type == "Invite" and invitation.inviter_uri != row.proposer_uri:
                continue  # forwarded by a Clearing House: not ours to deliver
            if preparing[activity.uri]:
                states.append("pending")
            states += [{"done": "delivered", "failed": "failed"}.get(d.status, "pending")
                       for d in deliveries[activity.uri] if d.inbox in inboxes]
        delivery = next((s for s in ("pending", "failed", "delivered") if s in states), "unknown")
        out.append(InviteeStatus(invitation, delivery))
    return out


@dataclass
class Received:
    """An invitation we received, as its page shows it (the statement as last read)."""

    action: JointAction
    invitation: JointInvitation | None
    statement_state: str  # open | closed: the proposer's word, as last read
    signatures: list[dict[str, Any]]  # {"signer", "name", "signature"} as the statement lists them
    earlier: list[dict[str, Any]]


async def received(node: Node, action_id: str) -> Received:
    row = await get_action(node, action_id, own=False)
    invitation = await JointInvitation.filter(action=row).order_by("-created_at", "-id").first()
    action = wire.extension(row.document or {}, "jointAction") or {}
    listed = [s for s in action.get("signatures") or [] if isinstance(s, dict) and isinstance(s.get("signer"), str)]
    earlier = [s for s in action.get("earlierSignatures") or []
               if isinstance(s, dict) and isinstance(s.get("signer"), str)]
    return Received(row, invitation, "closed" if action.get("state") == "closed" else "open", listed, earlier)


# --- answering an invitation --------------------------------------------------------------------


async def _our_invitation(row: JointAction) -> JointInvitation:
    found = await JointInvitation.filter(action=row).order_by("-created_at", "-id").first()
    if found is None:
        raise errors.NotFound(f"no invitation for joint action {row.id}")
    return found


async def _proposer(node: Node, row: JointAction) -> RemoteActor:
    try:
        return await _remotes(node).actor(row.proposer_uri)
    except FetchError as exc:
        raise errors.RemoteFailure(f"cannot read the proposer {row.proposer_uri}: {exc.reason}",
                                   public="the proposer's server could not be reached") from None


async def sign(node: Node, action_id: str) -> JointAction:
    """Sign a statement we were invited to: an ``Accept`` of the Invite with an integrity proof
    binding the statement's exact text, sent to the proposer. The proposer decides: a late
    signature comes back refused (``state`` ``refused``, ``refusal`` why)."""
    row = await get_action(node, action_id, own=False)
    invitation = await _our_invitation(row)
    if row.state == "signed":
        raise errors.Conflict(f"joint action {row.id} is already signed (version {row.version})",
                              public="already signed")
    proposer = await _proposer(node, row)
    actor, urls = node.org, node.urls
    activity_id = outbox.new_id()
    document = wire.accept(urls=urls, username=actor.username, activity_id=activity_id,
                           invite_id=invitation.invite_id, proposer=row.proposer_uri, statement=row.uri,
                           version=row.version, digest=wire.content_hash(_row_fields(row)), published=_now())
    signed = await wire.sign(node, document)
    async with in_transaction() as conn:
        await outbox.queue_activity(actor, urls, signed, activity_id=activity_id, object_uri=row.uri,
                                    to_followers=False, extra_inboxes=[proposer.inbox], conn=conn)
        invitation.accept_id, invitation.state = signed["id"], "signed"
        await invitation.save(using_db=conn)
        row.state, row.refusal = "signed", None
        await row.save(update_fields=["state", "refusal"], using_db=conn)
    node.poke()
    return row


async def decline(node: Node, action_id: str) -> JointAction:
    """Decline an invitation: a ``Reject`` of the Invite, sent to the proposer."""
    row = await get_action(node, action_id, own=False)
    if row.state not in ("invited", "refused"):
        raise errors.Conflict(f"joint action {row.id} is {row.state}: only an open invitation can be declined"
                              + (" (withdraw the signature instead)" if row.state == "signed" else ""),
                              public="cannot decline now")
    invitation = await _our_invitation(row)
    invite = {"id": invitation.invite_id, "type": "Invite", "actor": invitation.inviter_uri, "object": row.uri,
              "target": node.urls.actor(node.org.username)}
    await _answer(node, row, "Reject", invite)
    invitation.state = row.state = "declined"
    await invitation.save(update_fields=["state"])
    await row.save(update_fields=["state"])
    return row


async def withdraw(node: Node, action_id: str) -> JointAction:
    """Withdraw our signature while the action is open: an ``Undo`` of our Accept, sent to the proposer."""
    row = await get_action(node, action_id, own=False)
    invitation = await _our_invitation(row)
    if row.state != "signed" or not invitation.accept_id:
        raise errors.Conflict(f"joint action {row.id} is {row.state}: there is no signature to withdraw",
                              public="not signed")
    if (wire.extension(row.document or {}, "jointAction") or {}).get("state") == "closed":
        raise errors.Conflict(f"joint action {row.id} is closed: its signatures stand", public="closed")
    accept = {"id": invitation.accept_id, "type": "Accept", "actor": node.urls.actor(node.org.username),
              "object": invitation.invite_id}
    await _answer(node, row, "Undo", accept)
    invitation.state = row.state = "withdrawn"
    await invitation.save(update_fields=["state"])
    await row.save(update_fields=["state"])
    return row


async def _answer(node: Node, row: JointAction, kind: str, obj: dict) -> None:
    proposer = await _proposer(node, row)
    activity_id = outbox.new_id()
    activity = wire.answer(kind, urls=node.urls, username=node.org.username, activity_id=activity_id, obj=obj,
                           to=row.proposer_uri, published=_now())
    await outbox.queue_activity(node.org, node.urls, activity, activity_id=activity_id, object_uri=row.uri,
                                to_followers=False, extra_inboxes=[proposer.inbox])
    node.poke()


# --- verifying ----------------------------------------------------------------------------------


@dataclass
class Checked:
    signer: str
    name: str
    valid: bool
    reason: str  # "valid", or why not
    counted: bool = True  # False: listed as given for an earlier version (not a signature of this text)


async def verify(node: Node, url: str) -> tuple[dict[str, Any], list[Checked]]:
    """Fetch a statement and each signature it lists; check each against the key its signer's actor
    publishes (fetched from the signer's node) and against the statement's exact text."""
    try:
        note = await _fetcher(node).get(url)
    except FetchError as exc:
        raise errors.RemoteFailure(f"cannot fetch {url}: {exc.reason}", public="the statement could not be fetched") from None
    action = wire.extension(note, "jointAction")
    if not isinstance(action, dict):
        raise errors.Invalid(f"{url} is not a joint statement (no jointAction)", public="not a joint statement")
    try:
        fields = wire.text_fields(title=action["title"], language=action["language"], text=action["text"],
                                  addressed_to=action["addressedTo"], asks=action["asks"], about=action.get("about"),
                                  translations=action.get("translations"))
        version = action["version"]
    except KeyError as exc:
        raise errors.Invalid(f"{url}: jointAction lacks {exc}", public="not a joint statement") from None
    digest = wire.content_hash(fields)
    results = []
    for entry in action.get("signatures") or []:
        results.append(await _check_listed(node, url, entry, version, digest))
    for entry in action.get("earlierSignatures") or []:
        if isinstance(entry, dict):
            results.append(Checked(str(entry.get("signer")), str(entry.get("name") or ""), False,
                                   "given for an earlier version of the text", counted=False))
    return note, results


async def _check_listed(node: Node, url: str, entry: Any, version: int, digest: str) -> Checked:
    if not isinstance(entry, dict) or not isinstance(entry.get("signer"), str) \
            or not isinstance(entry.get("signature"), str):
        return Checked(str(entry), "", False, "malformed entry")
    signer, name = entry["signer"], str(entry.get("name") or "")
    try:
        document, _ = await _fetcher(node).get_any(entry["signature"])
    except FetchError as exc:
        log.info("cannot fetch %s: %s", entry["signature"], exc.reason)
        return Checked(signer, name, False, "signature not available")
    if get_id(document.get("actor")) != signer or "Accept" not in type_of(document):
        return Checked(signer, name, False, "the signature is not the signer's Accept")
    if entry.get("accept") is not None and entry.get("accept") != document.get("id"):
        return Checked(signer, name, False, "the signature is not the listed Accept")
    try:
        await wire.check_proof(node, document, signer)
        statement_id, signed_version, signed_digest = wire.binding(document)
    except wire.SignatureInvalid as exc:
        return Checked(signer, name, False, exc.reason)
    except FetchError as exc:
        log.info("cannot fetch the key of %s: %s", signer, exc.reason)
        return Checked(signer, name, False, "signer's key not available")
    if statement_id != url:
        return Checked(signer, name, False, "signed another statement")
    if signed_version != version or signed_digest != digest:
        return Checked(signer, name, False, "signed another text")
    return Checked(signer, name, True, "valid")


# --- the inbox ----------------------------------------------------------------------------------


def install(registry) -> None:
    """Register what the inbox does with joint actions (every node; once per registry)."""
    if FEATURE in registry.roles:
        return
    registry.roles.add(FEATURE)
    registry.observe("Invite", on_invite)
    registry.observe("Accept", on_accept)
    registry.observe("Reject", on_reject)
    registry.observe("Undo", on_undo)
    registry.observe("Update", on_update)


async def on_invite(node: Node, activity: dict) -> bool:
    """An invitation to sign: kept (the statement fetched from its origin, never from the Invite)."""
    if wire.extension(activity, "jointNetwork"):
        return False  # for a Clearing House to forward
    target = get_id(activity.get("target"))
    if target != node.urls.actor(node.org.username):
        return False
    uri = get_id(activity.get("object"))
    if not uri:
        ignored("no_object", "Invite %s of nothing", activity.get("id"), activity=activity)
        return True
    try:
        note = await _fetcher(node).get(uri)
    except FetchError as exc:
        if exc.permanent:
            ignored("unavailable", "Invite to %s, which cannot be fetched (%s)", uri, exc.reason, activity=activity)
            return True
        raise  # retried later
    proposer = get_id(note.get("attributedTo"))
    action = wire.extension(note, "jointAction")
    if not isinstance(action, dict) or not proposer or not same_origin(proposer, uri):
        ignored("not_joint", "Invite to %s, which is not a joint statement", uri, activity=activity)
        return True
    row = await _store_received(node, note, proposer)
    if row is None:
        return True
    await JointInvitation.get_or_create(
        action=row, invitee_uri=target, invite_id=activity["id"],
        defaults={"inviter_uri": get_id(activity["actor"]), "invitee_name": node.org.name})
    return True


async def _store_received(node: Node, note: dict, proposer: str, *, state: str = "invited") -> JointAction | None:
    """Keep (or refresh) a statement we were invited to (or, ``state`` ``network``, that we forwarded
    as a Clearing House); None if it is unusable."""
    action = wire.extension(note, "jointAction") or {}
    try:
        values: dict[str, Any] = {
            "title": str(action["title"])[:512], "language": str(action["language"])[:16],
            "text": str(action["text"]), "addressed_to": list(action.get("addressedTo") or []),
            "asks": list(action.get("asks") or []), "about": action.get("about"),
            "translations": _received_versions(action.get("translations")),
            "version": int(action["version"]), "text_hash": str(action.get("contentHash") or "")[:80],
            "deadline": dt.datetime.fromisoformat(action["deadline"]) if action.get("deadline") else None,
        }
    except (KeyError, TypeError, ValueError) as exc:
        ignored("bad_joint_action", "statement %s: %s", note.get("id"), exc)
        return None
    row = await JointAction.filter(uri=note["id"]).first()
    if row is None:
        author = await RemoteActor.filter(uri=proposer).first()
        return await JointAction.create(
            id=outbox.new_id(), uri=note["id"], own=False, proposer_uri=proposer,
            proposer_name=author.name if author else "", state=state, document=note,
            published=_now(), **values)
    if row.own or row.proposer_uri != proposer:
        return None
    if int(values["version"]) > row.version and row.state == "signed":
        row.state = "invited"  # the text changed: our signature is for an earlier version; signing reopens
    for key, value in values.items():
        setattr(row, key, value)
    row.document = note
    row.updated = _now()
    await row.save()
    return row


def _received_versions(value: Any) -> dict[str, dict[str, str]]:
    """The translations of a received statement, kept as published (so that our signature's hash
    is the proposer's); a malformed member is kept too and makes the hashes differ (refused)."""
    if not isinstance(value, dict):
        return {}
    return {str(lang): dict(item) if isinstance(item, dict) else {} for lang, item in value.items()}


async def keep_network_statement(node: Node, statement_id: str) -> JointAction | None:
    """A Clearing House keeps a statement it invited its members to (listed with its live count)."""
    try:
        note = await _fetcher(node).get(statement_id)
    except FetchError as exc:
        log.info("cannot fetch the statement %s: %s", statement_id, exc.reason)
        return None
    proposer = get_id(note.get("attributedTo"))
    if not proposer or not same_origin(proposer, statement_id):
        return None
    return await _store_received(node, note, proposer, state="network")


@dataclass
class NetworkAction:
    url: str
    title: str
    language: str
    proposer: str
    proposer_name: str
    deadline: dt.datetime | None
    signatures: list[dict[str, Any]]
    titles: dict[str, str]  # language tag -> title: the original's and each translation's

    def in_language(self, lang: str) -> tuple[str, str]:
        """(language, title) to show a reader of ``lang``: its translation if there is one, else the original."""
        return (lang, self.titles[lang]) if lang in self.titles else (self.language, self.title)


async def network_actions(node: Node, *, open_only: bool = True) -> list[NetworkAction]:
    """The statements a Clearing House invited its members to, newest first, with their current
    signatures (as the proposer's latest Update lists them)."""
    out = []
    for row in await JointAction.filter(own=False, state="network").order_by("-created_at", "-id"):
        action = wire.extension(row.document or {}, "jointAction") or {}
        deadline = _aware(row.deadline)
        if open_only and (action.get("state") != "open" or (deadline is not None and deadline < _now())):
            continue
        listed = [s for s in action.get("signatures") or [] if isinstance(s, dict)]
        titles = {lang: str(version["title"]) for lang, version in (row.translations or {}).items()
                  if isinstance(version, dict) and version.get("title")}
        out.append(NetworkAction(row.uri, row.title, row.language, row.proposer_uri, row.proposer_name,
                                 deadline, listed, {**titles, row.language: row.title}))
    return out


async def on_update(node: Node, activity: dict) -> bool:
    """The proposer's Update of a statement we were invited to refreshes our copy (the protocol
    then does its own thing too: a follower's copy of the Note is updated as usual)."""
    obj = embedded(activity.get("object"))
    if obj is None or not isinstance(wire.extension(obj, "jointAction"), dict):
        return False
    row = await JointAction.filter(uri=obj.get("id"), own=False).first()
    actor = get_id(activity.get("actor"))
    if row is not None and actor == row.proposer_uri and get_id(obj.get("attributedTo")) == actor:
        await _store_received(node, obj, actor)
    return False


async def on_accept(node: Node, activity: dict) -> bool:
    """A signature of one of our statements: kept if it holds, refused (and logged) if not."""
    invite_id = get_id(activity.get("object"))
    ours = await JointInvitation.filter(invite_id=invite_id).prefetch_related("action").first() \
        if invite_id else None
    bound = wire.extension(activity, "jointSignature")
    if ours is None and not isinstance(bound, dict):
        return False  # not about a joint action (e.g. the Accept of a Follow)
    try:
        await receive_signature(node, activity, ours)
    except Refused as exc:
        ignored(f"joint_{exc.reason}", "signature %s refused: %s", activity.get("id"), exc.detail, activity=activity)
        await _refuse(node, activity, exc.reason)
    except wire.SignatureInvalid as exc:
        ignored("joint_" + re.sub(r"\W+", "_", exc.reason), "signature %s refused: %s", activity.get("id"), exc.detail,
                activity=activity)
    return True


async def receive_signature(node: Node, activity: dict, ours: JointInvitation | None) -> JointSignature:
    """Check a signature (an Accept) of one of our statements and keep it.

    Raises :class:`wire.SignatureInvalid` (no proof, a bad one, a key the signer's actor does not
    publish, another statement, not a signature, not invited, replayed, already signed) or
    :class:`Refused` (closed, past the deadline, an earlier version: the signer is told).
    """
    signer = get_id(activity.get("actor")) or ""
    statement_id, version, digest = wire.binding(activity)
    row = await JointAction.filter(uri=statement_id, own=True).first()
    if row is None:
        raise wire.SignatureInvalid("another statement", f"{statement_id} is not one of our statements")
    if await JointSignature.filter(accept_id=activity["id"]).exists():
        raise wire.SignatureInvalid("replayed", f"Accept {activity['id']} was received before")
    invitation = await _invitation_of(node, row, ours, signer, get_id(activity.get("object")))
    await wire.check_proof(node, activity, signer)
    if not is_open(row):
        raise Refused("closed" if row.state == "closed" else "deadline",
                      f"joint action {row.id} takes no more signatures")
    if version != row.version or digest != row.text_hash:
        if version < row.version:
            raise Refused("outdated", f"signature of version {version}, the text is at version {row.version}")
        raise wire.SignatureInvalid("another statement", f"signature of version {version} / {digest}")
    if await JointSignature.filter(action=row, signer_uri=signer, state="valid", version=row.version).exists():
        raise wire.SignatureInvalid("already signed", f"{signer} has already signed version {row.version}")
    author = await _remotes(node).actor(signer)
    async with in_transaction() as conn:
        signature = await JointSignature.create(
            action=row, signer_uri=signer, signer_name=author.name, accept_id=activity["id"],
            document=orjson.dumps(activity).decode(), version=version, using_db=conn)
        invitation.state = "signed"
        await invitation.save(update_fields=["state"], using_db=conn)
        await _schedule_update(row, conn=conn)
    node.poke()
    return signature


async def _invitation_of(node: Node, row: JointAction, ours: JointInvitation | None, signer: str,
                         invite_id: str | None) -> JointInvitation:
    """The invitation ``signer`` answers: one of ours to them, or one our Clearing House forwarded
    for a ``network`` invitation (fetched from the Clearing House: its Invite of the signer)."""
    if ours is not None:
        if ours.action.id != row.id:
            raise wire.SignatureInvalid("another statement", f"Invite {invite_id} is for another statement")
        if ours.invitee_uri != signer:
            raise wire.SignatureInvalid("not invited", f"{signer} answers an Invite of {ours.invitee_uri}") from None
        return ours
    for network in await JointInvitation.filter(action=row, network=True):
        if invite_id and same_origin(invite_id, network.invitee_uri):
            try:
                forwarded = await _fetcher(node).get(invite_id)
            except FetchError as exc:
                raise wire.SignatureInvalid("not invited", f"cannot fetch the Invite {invite_id}: {exc.reason}") from None
            if "Invite" in type_of(forwarded) and get_id(forwarded.get("actor")) == network.invitee_uri \
                    and get_id(forwarded.get("target")) == signer and get_id(forwarded.get("object")) == row.uri:
                found, _ = await JointInvitation.get_or_create(
                    action=row, invitee_uri=signer, invite_id=invite_id,
                    defaults={"inviter_uri": network.invitee_uri})
                return found
    raise wire.SignatureInvalid("not invited", f"{signer} was not invited to {row.uri}") from None


async def _refuse(node: Node, activity: dict, reason: str) -> None:
    """Tell the signer their signature was refused: a ``Reject`` of their Accept, ``jointRefusal`` why."""
    signer = get_id(activity.get("actor")) or ""
    try:
        remote = await _remotes(node).actor(signer)
    except FetchError as exc:
        log.info("cannot tell %s its signature was refused: %s", signer, exc.reason)
        return
    activity_id = outbox.new_id()
    reject = wire.answer("Reject", urls=node.urls, username=node.org.username, activity_id=activity_id,
                         obj=activity["id"], to=signer, published=_now(), refusal=reason)
    await outbox.queue_activity(node.org, node.urls, reject, activity_id=activity_id,
                                object_uri=activity["id"], to_followers=False, extra_inboxes=[remote.inbox])
    node.poke()


async def on_reject(node: Node, activity: dict) -> bool:
    """A declined invitation (of ours), or the proposer's refusal of our signature."""
    actor = get_id(activity.get("actor"))
    obj = embedded(activity.get("object")) or activity.get("object")
    object_id = get_id(obj)
    if not object_id:
        return False
    mine = await JointInvitation.filter(accept_id=object_id).prefetch_related("action").first()
    if mine is not None:  # the proposer refused our signature
        if mine.action.proposer_uri != actor:
            return True
        refusal = wire.extension(activity, "jointRefusal")
        mine.action.state = "refused"
        mine.action.refusal = refusal if refusal in wire.REFUSALS else "refused"
        await mine.action.save(update_fields=["state", "refusal"])
        mine.state = "invited"
        await mine.save(update_fields=["state"])
        return True
    invitation = await JointInvitation.filter(invite_id=object_id, invitee_uri=actor).first()
    if invitation is None and isinstance(obj, dict):  # a network invitation our Clearing House forwarded
        row = await JointAction.filter(uri=get_id(obj.get("object")), own=True).first()
        inviter = get_id(obj.get("actor")) or ""
        if row is not None and same_origin(object_id, inviter) \
                and await JointInvitation.filter(action=row, network=True, invitee_uri=inviter).exists():
            invitation, _ = await JointInvitation.get_or_create(
                action=row, invitee_uri=actor, invite_id=object_id, defaults={"inviter_uri": inviter})
    if invitation is None:
        return await JointInvitation.filter(invite_id=object_id).exists()
    if invitation.state == "invited":
        invitation.state = "declined"
        await invitation.save(update_fields=["state"])
    return True


async def on_undo(node: Node, activity: dict) -> bool:
    """A signer withdraws its signature of one of our statements (while it is open)."""
    obj = embedded(activity.get("object")) or activity.get("object")
    accept_id = get_id(obj)
    if not accept_id:
        return False
    signature = await JointSignature.filter(accept_id=accept_id).prefetch_related("action").first()
    if signature is None:
        return False
    if signature.signer_uri != get_id(activity.get("actor")):
        ignored("not_the_signer", "Undo of %s by someone else", accept_id, activity=activity)
        return True
    row = signature.action
    if not is_open(row):
        ignored("joint_closed", "Undo of %s after joint action %s closed", accept_id, row.id, activity=activity)
        return True
    if signature.state == "withdrawn":
        return True
    async with in_transaction() as conn:
        signature.state, signature.withdrawn_at = "withdrawn", _now()
        await signature.save(update_fields=["state", "withdrawn_at"], using_db=conn)
        await JointInvitation.filter(action=row, invitee_uri=signature.signer_uri, state="signed") \
            .using_db(conn).update(state="withdrawn")
        await _schedule_update(row, conn=conn)
    node.poke()
    return True
