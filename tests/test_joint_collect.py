"""Collecting signatures in one node (in process, both stores): one Update for signatures that arrive
together, replays and other refusals decided by the service, the proposal file."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from conftest import ROOT, async_wait_until

from node.activitypub import joint as wire
from node.activitypub import outbox, proofs
from node.services import joint
from node.storage.models import Activity, JointAction, JointInvitation, JointSignature, RemoteActor
from node.urls import Urls


async def _signer(name: str):
    urls = Urls(f"{name}.test", "http")
    actor = urls.actor("alerts")
    key = proofs.generate_private_key()
    document = {"id": actor, "type": "Organization", "inbox": f"{actor}/inbox", "name": f"{name} org",
                "assertionMethod": [proofs.multikey(actor, proofs.encode_multikey(key.public_key()))]}
    row = await RemoteActor.create(uri=actor, key_id=f"{actor}#main-key", public_key_pem="", inbox=f"{actor}/inbox",
                                   name=f"{name} org", domain=urls.domain, document=document,
                                   fetched_at=datetime.now(UTC))
    return urls, row, key


async def _proposed(node, monkeypatch, signers) -> JointAction:
    known = {row.uri: row for _, row, _ in signers}

    async def resolve(_node, handle_or_url):
        return known[handle_or_url]

    monkeypatch.setattr(joint, "_resolve", resolve)
    cached = node.remotes.actor

    async def actor(uri, *, refresh=False):  # nothing listens at the signers' hosts: the stored documents
        return await cached(uri)

    monkeypatch.setattr(node.remotes, "actor", actor)
    text = (ROOT / "node" / "examples" / "joint-action.md").read_text()
    proposal = joint.parse_proposal(text)
    proposal.invite = list(known)
    return await joint.propose(node, proposal)


def _accept(urls: Urls, key, *, invite_id: str, row: JointAction, version: int | None = None) -> dict:
    document = wire.accept(urls=urls, username="alerts", activity_id=outbox.new_id(), invite_id=invite_id,
                           proposer=row.proposer_uri, statement=row.uri, version=version or row.version,
                           digest=row.text_hash, published=datetime.now(UTC))
    return proofs.sign(document, key, proofs.key_id(urls.actor("alerts")))


async def _invite_of(row: JointAction, actor: str) -> JointInvitation:
    return await JointInvitation.filter(action=row, invitee_uri=actor).prefetch_related("action").get()


async def test_signatures_arriving_together_make_one_update(node, monkeypatch):
    signers = [await _signer("b"), await _signer("c")]
    row = await _proposed(node, monkeypatch, signers)
    for urls, actor, key in signers:
        invitation = await _invite_of(row, actor.uri)
        assert await joint.on_accept(node, _accept(urls, key, invite_id=invitation.invite_id, row=row)) is True
    assert await JointSignature.filter(action=row, state="valid").count() == 2

    assert await async_wait_until(lambda: joint.send_due_updates(node), message="the Update due") == 1
    assert await joint.send_due_updates(node) == 0
    updates = await Activity.filter(type="Update", object_uri=row.uri)
    assert len(updates) == 1
    note = orjson.loads(updates[0].body)["object"]
    assert [s["signer"] for s in note["jointAction"]["signatures"]] == [a.uri for _, a, _ in signers]
    assert note["content"].endswith(f'Signed by 2 organisations: <a href="{signers[0][1].uri}">b org</a>, '
                                    f'<a href="{signers[1][1].uri}">c org</a></p>')
    # the Update also goes to every invitee, beyond the followers
    fanout = await updates[0].fanouts.all().first()
    assert sorted(fanout.extra_inboxes) == sorted(a.inbox for _, a, _ in signers)


async def test_refusals_decided_by_the_service(node, monkeypatch):
    signers = [await _signer("b"), await _signer("c")]
    row = await _proposed(node, monkeypatch, signers)
    (b_urls, b, b_key), (c_urls, c, c_key) = signers
    b_invite = await _invite_of(row, b.uri)

    accept = _accept(b_urls, b_key, invite_id=b_invite.invite_id, row=row)
    await joint.receive_signature(node, accept, b_invite)
    with pytest.raises(wire.SignatureInvalid) as replayed:  # the same Accept again
        await joint.receive_signature(node, accept, b_invite)
    assert replayed.value.reason == "replayed"
    with pytest.raises(wire.SignatureInvalid) as twice:  # a second Accept of the same text
        await joint.receive_signature(node, _accept(b_urls, b_key, invite_id=b_invite.invite_id, row=row), b_invite)
    assert twice.value.reason == "already signed"
    with pytest.raises(wire.SignatureInvalid) as other:  # c answers b's invitation
        await joint.receive_signature(node, _accept(c_urls, c_key, invite_id=b_invite.invite_id, row=row), b_invite)
    assert other.value.reason == "not invited"
    with pytest.raises(wire.SignatureInvalid) as stolen:  # c signs with b's key
        await joint.receive_signature(node, _accept(c_urls, b_key, invite_id=(await _invite_of(row, c.uri)).invite_id,
                                                    row=row), await _invite_of(row, c.uri))
    assert stolen.value.reason == "bad signature"
    unsigned = {k: v for k, v in _accept(c_urls, c_key, invite_id="x", row=row).items() if k != "proof"}
    with pytest.raises(wire.SignatureInvalid) as bare:
        await joint.receive_signature(node, {**unsigned, "object": (await _invite_of(row, c.uri)).invite_id},
                                      await _invite_of(row, c.uri))
    assert bare.value.reason == "no proof"

    # an edit of the text: a signature of the earlier version is refused as outdated (the signer is told)
    proposal = joint.parse_proposal((ROOT / "node" / "examples" / "joint-action.md").read_text()
                                    .replace("without delay", "today"))
    row = await joint.edit(node, row.id, proposal)
    assert row.version == 2
    c_invite = await _invite_of(row, c.uri)
    with pytest.raises(joint.Refused) as outdated:
        await joint.receive_signature(node, _accept(c_urls, c_key, invite_id=c_invite.invite_id, row=row, version=1),
                                      c_invite)
    assert outdated.value.reason == "outdated"
    current, earlier = await joint.signatures(node, row)
    assert current == [] and [s.signer_uri for s in earlier] == [b.uri]

    await joint.close(node, row.id)
    with pytest.raises(joint.Refused) as closed:
        await joint.receive_signature(node, _accept(c_urls, c_key, invite_id=c_invite.invite_id,
                                                    row=await JointAction.get(id=row.id)), c_invite)
    assert closed.value.reason == "closed"


def test_the_example_proposal_parses():
    proposal = joint.parse_proposal((ROOT / "node" / "examples" / "joint-action.md").read_text(),
                                    now=datetime(2026, 12, 1, tzinfo=UTC))
    assert proposal.title == "Release the journalists detained in Izmir" and proposal.invite[-1] == "network"
    assert proposal.deadline == datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert proposal.fields()["addressedTo"] == [{"name": "Minister of Justice", "role": "Minister",
                                                 "contact": "minister@justice.example"}]
    # the hash is over the JCS form of exactly these fields
    assert wire.content_hash(proposal.fields()).startswith("sha256:")
    assert wire.content_hash(proposal.fields()) != wire.content_hash({**proposal.fields(), "text": "other"})
    # every language version is bound: a changed translation changes the hash; without
    # translations the object has no "translations" member (the hash statements always had)
    fields = proposal.fields()
    assert fields["translations"]["fr"]["title"] == "Libérez les journalistes détenus à Izmir"
    assert fields["translations"]["fr"]["text"].endswith("à agir sans délai.")
    changed = {**fields, "translations": {"fr": {**fields["translations"]["fr"], "text": "Autre chose."}}}
    assert wire.content_hash(changed) != wire.content_hash(fields)
    bare = {k: v for k, v in fields.items() if k != "translations"}
    proposal.translations = {}
    assert proposal.fields() == bare and wire.content_hash(proposal.fields()) == wire.content_hash(bare)


def test_translations_in_the_front_matter_are_checked():
    text = (ROOT / "node" / "examples" / "joint-action.md").read_text()
    broken = text.replace("  fr:\n    title: Libérez les journalistes détenus à Izmir\n",
                          "  en:\n    title: Same\n  xx-yyy:\n    titel: x\n  fr:\n    title: Libérez\n")
    broken = broken.replace("    text: |", "    txt: |", 1)
    with pytest.raises(joint.ProposalError) as refused:
        joint.parse_proposal(broken, now=datetime(2026, 12, 1, tzinfo=UTC))
    problems = refused.value.fields
    assert problems["translations.en"] == "repeats the statement's own language"
    assert "translations.xx-yyy" in problems
    assert problems["translations.fr.txt"].startswith("unknown field")
    assert problems["translations.fr.text"] == "missing"
