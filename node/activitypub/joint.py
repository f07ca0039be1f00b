"""Joint actions on the wire: the statement ``Note``, ``Invite``, the signed ``Accept``, ``Reject``, ``Undo``.

This is the one module that touches integrity proofs (:mod:`node.activitypub.proofs`,
FEP-8b32 ``eddsa-jcs-2022`` with the FEP-521a ``assertionMethod`` key of an actor); the use
cases (:mod:`node.services.joint`) call it. The documents are described in FEDERATION.md
("Joint actions") and docs/vocabulary.md (section 7).

What a signature binds: the ``Accept`` carries ``jointSignature`` = ``{"statement": <the
statement's id>, "version": <its text version>, "contentHash": "sha256:<hex>"}`` where the hash
is SHA-256 over the JCS canonical form (RFC 8785) of the statement's text fields
(:func:`text_fields`). The proof covers the whole ``Accept`` (and so that binding), which is
why the Accept is kept and served exactly as received.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from html import escape
from typing import Any

from node import errors, vocab
from node.activitypub.actors import iso
from node.activitypub.notes import AAN_CONTEXT
from node.render import is_safe_link, markdown_to_html
from node.urls import AS_PUBLIC, Urls

PROOF_CONTEXT = "https://w3id.org/security/data-integrity/v2"  # FEP-8b32: the proof term


def _joint_context() -> list[Any]:
    context = copy.deepcopy(AAN_CONTEXT)
    context.insert(2, PROOF_CONTEXT)
    context[-1].update({
        "jointAction": {"@id": "aan:jointAction", "@type": "@json"},
        "jointSignature": {"@id": "aan:jointSignature", "@type": "@json"},
        "jointRefusal": "aan:jointRefusal",
        "jointNetwork": "aan:jointNetwork",
    })
    return context


JOINT_CONTEXT = _joint_context()
_KEYS = {name: (name, f"aan:{name}", f"https://w3id.org/aan/ns#{name}")
         for name in ("jointAction", "jointSignature", "jointRefusal", "jointNetwork")}

# Why a proposer refused a signature (the value of ``jointRefusal`` in its Reject of the Accept).
REFUSALS = ("closed", "deadline", "outdated")


class SignatureInvalid(errors.Forbidden):
    """A signature (an Accept with its proof) does not hold; ``reason`` is one fixed word.

    Reasons: ``no proof``, ``unsupported cryptosuite``, ``wrong purpose``, ``bad signature``,
    ``unknown key`` (from the proof itself), ``not the signer's key``, ``another statement``,
    ``not a signature``, ``not invited``, ``replayed``, ``already signed``.
    """

    public = "the signature is not valid"

    def __init__(self, reason: str, detail: str | None = None):
        self.reason = reason
        super().__init__(detail or reason, public=f"signature refused: {reason}")


def extension(document: dict, name: str) -> Any:
    """The value of one of our terms in a received document (compacted, prefixed or expanded)."""
    for key in _KEYS[name]:
        value = document.get(key)
        if value is not None:
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if isinstance(value, dict) and "@value" in value:
                value = value["@value"]
            return value
    return None


# --- what a signature binds ---------------------------------------------------------------------


def text_fields(*, title: str, language: str, text: str, addressed_to: list, asks: list,
                about: str | None, translations: dict | None = None) -> dict[str, Any]:
    """The statement's text as signatures bind it (the deadline is not part of it).

    ``translations`` (language tag -> ``{"title", "text"}``) is a member only when there is at
    least one, so that the hash of a statement without translations is what it always was; with
    translations, every language version is bound: changing one changes the hash.
    """
    fields = {"title": title, "language": language, "text": text, "addressedTo": addressed_to,
              "asks": asks, "about": about}
    if translations:
        fields["translations"] = translations
    return fields


def content_hash(fields: dict[str, Any]) -> str:
    """``sha256:<hex>`` of the JCS canonical form of :func:`text_fields`."""
    from node.activitypub import proofs

    return "sha256:" + hashlib.sha256(proofs.canonicalize(fields)).hexdigest()


# --- documents ----------------------------------------------------------------------------------


def statement_note(*, urls: Urls, username: str, action_id: str, fields: dict[str, Any], version: int,
                   digest: str, state: str, deadline: dt.datetime | None, published: dt.datetime,
                   updated: dt.datetime | None, signatures: list[dict[str, Any]],
                   earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """The statement as a ``Note`` Mastodon shows in full, its structure under ``jointAction``.

    ``signatures`` are the current ones (``{"signer", "name", "signature", "accept"}``), in the
    order they arrived; ``earlier`` those given for an earlier version of the text.
    """
    url = urls.joint(action_id)
    content_map = contents(fields, deadline, signatures)
    content = content_map[fields["language"]]
    note: dict[str, Any] = {
        "@context": JOINT_CONTEXT,
        "id": url,
        "type": "Note",
        "attributedTo": urls.actor(username),
        "url": url,
        "published": iso(published),
    }
    if updated is not None:
        note["updated"] = iso(updated)
    note.update({
        "to": [AS_PUBLIC],
        "cc": [urls.followers(username)],
        "content": content,
        "contentMap": content_map,
        "jointAction": {
            **fields,
            "deadline": iso(deadline) if deadline else None,
            "state": state,
            "version": version,
            "contentHash": digest,
            "signatures": [{**s, "version": version} for s in signatures],
            "earlierSignatures": earlier,
        },
    })
    return note


def contents(fields: dict[str, Any], deadline: dt.datetime | None,
             signatures: list[dict[str, Any]]) -> dict[str, str]:
    """The ``contentMap``: the original language first (Mastodon reads the language from the first
    key), then each translation (its title and text; the addressees and asks as in the original)."""
    out = {fields["language"]: _content(fields, fields["language"], deadline, signatures)}
    for lang, version in (fields.get("translations") or {}).items():
        if isinstance(version, dict) and lang not in out:
            out[lang] = _content({**fields, "title": str(version.get("title") or fields["title"]),
                                  "text": str(version.get("text") or fields["text"])}, lang, deadline, signatures)
    return out


def _phrase(code: str, language: str, **values: object) -> str:
    text = vocab.label(vocab.PHRASES, code, language)
    return text.format(**values) if values else text


def signed_line(signatures: list[dict[str, Any]], language: str = "en") -> str:
    """``Signed by N organisations: A, B`` (HTML, each name linked to the signer's actor)."""
    n = len(signatures)
    if not n:
        return f"<p>{escape(_phrase('joint_signed_none', language))}</p>"
    names = ", ".join(f'<a href="{escape(s["signer"])}">{escape(s["name"] or s["signer"])}</a>'
                      for s in signatures)
    line = _phrase("joint_signed_one", language) if n == 1 else _phrase("joint_signed_many", language, n=n)
    return f"<p>{escape(line)} {names}</p>"


def _content(fields: dict[str, Any], language: str, deadline: dt.datetime | None,
             signatures: list[dict[str, Any]]) -> str:
    parts = [f"<p><strong>{escape(fields['title'])}</strong></p>"]
    if fields["addressedTo"]:
        to = "; ".join(escape(", ".join(p for p in (a.get("name"), a.get("role")) if p))
                       for a in fields["addressedTo"])
        parts.append(f"<p>{escape(_phrase('joint_to', language))} {to}</p>")
    parts.append(markdown_to_html(fields["text"]))
    if fields["asks"]:
        parts.append(f"<p><strong>{escape(_phrase('joint_we_ask', language))}</strong></p><ul>"
                     + "".join(f"<li>{escape(ask)}</li>" for ask in fields["asks"]) + "</ul>")
    if fields.get("about") and is_safe_link(fields["about"]):
        link = escape(fields["about"])
        parts.append(f'<p>{escape(_phrase("joint_about", language))} <a href="{link}">{link}</a></p>')
    if deadline:
        parts.append(f"<p>{escape(_phrase('joint_until', language, date=iso(deadline)))}</p>")
    parts.append(signed_line(signatures, language))
    return "".join(parts)


def invite(*, urls: Urls, username: str, activity_id: str, statement: str, invitee: str,
           network: bool = False, published: dt.datetime) -> dict[str, Any]:
    """``Invite`` (actor: us, object: the statement, target: the invitee).

    ``network``: sent to our Clearing House (the invitee), asking it to invite every active member.
    """
    activity = _activity("Invite", urls=urls, username=username, activity_id=activity_id, obj=statement,
                         to=invitee, published=published)
    activity["target"] = invitee
    if network:
        activity["jointNetwork"] = True
    return activity


def accept(*, urls: Urls, username: str, activity_id: str, invite_id: str, proposer: str, statement: str,
           version: int, digest: str, published: dt.datetime) -> dict[str, Any]:
    """The signer's ``Accept`` of the Invite, binding the statement's exact text (unsigned)."""
    activity = _activity("Accept", urls=urls, username=username, activity_id=activity_id, obj=invite_id,
                         to=proposer, published=published)
    activity["jointSignature"] = {"statement": statement, "version": version, "contentHash": digest}
    return activity


def answer(kind: str, *, urls: Urls, username: str, activity_id: str, obj: Any, to: str,
           published: dt.datetime, refusal: str | None = None) -> dict[str, Any]:
    """A ``Reject`` (of an Invite: declined; of an Accept: refused, ``refusal`` says why) or an ``Undo``."""
    activity = _activity(kind, urls=urls, username=username, activity_id=activity_id, obj=obj, to=to,
                         published=published)
    if refusal:
        activity["jointRefusal"] = refusal
    return activity


def _activity(kind: str, *, urls: Urls, username: str, activity_id: str, obj: Any, to: str,
              published: dt.datetime) -> dict[str, Any]:
    """The members every joint-action activity has: addressed to one actor, ``to``."""
    return {"@context": JOINT_CONTEXT, "id": urls.activity(activity_id), "type": kind,
            "actor": urls.actor(username), "object": obj, "to": [to], "published": iso(published)}


# --- proofs (the seam) --------------------------------------------------------------------------


async def sign(node, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with an ``eddsa-jcs-2022`` proof made with our organisation's Ed25519 key (the
    ``assertionMethod`` its actor publishes)."""
    from node.activitypub import proofs

    method, key = await node.assertion_key(node.org.username)
    return proofs.sign(document, key, method)


async def check_proof(node, document: dict[str, Any], signer: str) -> dict[str, Any]:
    """The proof of ``document``, checked against a key ``signer``'s actor publishes (fetched from
    the signer's node); raises :class:`SignatureInvalid` (a fetch error if the actor cannot be read)."""
    from node.activitypub import proofs, remote

    try:
        method = proofs.verification_method_of(document)
        if proofs.controller_of(method) != signer:
            raise SignatureInvalid("not the signer's key", f"proof by {method}, not a key of {signer}")
        _, proof = await remote.verify_proof(node, document)
        return proof
    except proofs.ProofError as exc:
        raise SignatureInvalid(exc.kind, f"{signer}: {exc.detail}") from None


def binding(document: dict[str, Any]) -> tuple[str, int, str]:
    """(statement, version, contentHash) a signature names; raises :class:`SignatureInvalid`."""
    bound = extension(document, "jointSignature")
    if not isinstance(bound, dict):
        raise SignatureInvalid("not a signature", "an Accept without jointSignature")
    statement, version, digest = bound.get("statement"), bound.get("version"), bound.get("contentHash")
    if not isinstance(statement, str) or not isinstance(version, int) or isinstance(version, bool) \
            or not isinstance(digest, str):
        raise SignatureInvalid("not a signature", "jointSignature without statement, version and contentHash")
    return statement, version, digest
