"""Ed25519 assertion keys of local actors (FEP-521a) and the key lookup of integrity proofs (both databases).

Fetching another node's key over HTTP, and rotation seen from that other node, are in
tests/test_proofs_federation.py; here: what is stored, published, given to old actors and
looked up without the network."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from conftest import make_node_config

from node.activitypub import proofs, remote
from node.activitypub.actors import INSTANCE_USERNAME, actor_document
from node.cli._base import open_node
from node.ops.keys import reload_actors
from node.service import Node, ensure_assertion_keys
from node.services import keys
from node.storage.models import LocalActor, RemoteActor


@pytest.fixture
async def config(db_url, tmp_path):
    return await make_node_config(db_url, tmp_path)


@pytest.fixture
async def node(config):
    async with open_node(config) as opened:
        yield opened


def document(actor: str) -> dict:
    return {"@context": ["https://www.w3.org/ns/activitystreams", proofs.DATA_INTEGRITY_CONTEXT],
            "id": "https://elsewhere.example/activities/1", "type": "Accept", "actor": actor,
            "object": "https://elsewhere.example/invites/1"}


async def test_every_new_actor_has_a_key_that_its_document_publishes(node):
    for row in await LocalActor.all():
        private = proofs.load_private_key(row.ed25519_private_key_pem)
        assert row.ed25519_public_key == proofs.encode_multikey(private.public_key())
    org = await LocalActor.get(username="alerts")
    doc = actor_document(org, node.urls)
    assert doc["assertionMethod"] == [{
        "id": f"{node.urls.actor('alerts')}#ed25519-key", "type": "Multikey",
        "controller": node.urls.actor("alerts"), "publicKeyMultibase": org.ed25519_public_key}]
    assert "https://w3id.org/security/multikey/v1" in doc["@context"]
    assert "https://w3id.org/security/data-integrity/v1" in doc["@context"]
    assert doc["publicKey"]["publicKeyPem"] == org.public_key_pem  # the RSA key is still there
    rows = {row.username: row for row in await LocalActor.all()}
    assert rows["alerts"].ed25519_public_key != rows[INSTANCE_USERNAME].ed25519_public_key


async def test_a_proof_made_with_the_nodes_key_verifies_with_the_published_key(node):
    method, private = await node.assertion_key("alerts")
    assert method == f"{node.urls.actor('alerts')}#ed25519-key"
    signed = proofs.sign(document(node.urls.actor("alerts")), private, method)
    # our own actor is looked up without asking ourselves over HTTP
    published = await remote.assertion_key(node, method)
    assert proofs.encode_multikey(published) == (await LocalActor.get(username="alerts")).ed25519_public_key
    assert await remote.verify_proof(node, signed) == (node.urls.actor("alerts"), signed["proof"])
    for unknown in (f"{node.urls.actor('alerts')}#main-key", f"{node.urls.actor('nobody')}#ed25519-key",
                    node.urls.actor("alerts"), "urn:x:y#z", f"{node.urls.instance_actor}#ed25519-key"):
        with pytest.raises(proofs.ProofError) as caught:
            await remote.assertion_key(node, unknown)
        assert caught.value.kind == proofs.UNKNOWN_KEY


async def test_actors_from_before_proofs_get_a_key_once(node, config):
    await LocalActor.filter(username="alerts").update(ed25519_private_key_pem=None, ed25519_public_key=None)
    instance_key = (await LocalActor.get(username=INSTANCE_USERNAME)).ed25519_private_key_pem
    assert actor_document(await LocalActor.get(username="alerts"), node.urls).get("assertionMethod") is None

    # two processes starting at once: one writes the key, the other keeps it
    first, second = await asyncio.gather(ensure_assertion_keys(), ensure_assertion_keys())
    assert sorted(first + second) == ["alerts"]
    row = await LocalActor.get(username="alerts")
    assert row.ed25519_public_key == proofs.encode_multikey(
        proofs.load_private_key(row.ed25519_private_key_pem).public_key())
    assert await ensure_assertion_keys() == []
    assert (await LocalActor.get(username="alerts")).ed25519_private_key_pem == row.ed25519_private_key_pem
    assert (await LocalActor.get(username=INSTANCE_USERNAME)).ed25519_private_key_pem == instance_key


async def test_a_node_gives_missing_keys_when_it_opens(config):
    async with open_node(config):
        await LocalActor.all().update(ed25519_private_key_pem=None, ed25519_public_key=None)
    node = await Node(config).open()
    try:
        rows = await LocalActor.all()
        assert rows and all(row.ed25519_public_key and row.ed25519_private_key_pem for row in rows)
        method, private = await node.assertion_key("alerts")
        assert proofs.encode_multikey(private.public_key()) == node.org.ed25519_public_key
        assert actor_document(node.org, node.urls)["assertionMethod"][0]["publicKeyMultibase"] == \
            node.org.ed25519_public_key
    finally:
        await node.close()


async def test_assertion_key_gives_a_key_to_an_actor_that_lost_it_while_running(node):
    await LocalActor.filter(username="alerts").update(ed25519_private_key_pem=None, ed25519_public_key=None)
    node.assertion_keys.pop("alerts")  # as if the row came back from an older backup while we ran
    method, private = await node.assertion_key("alerts")
    assert node.org.ed25519_public_key == proofs.encode_multikey(private.public_key())
    assert (await LocalActor.get(username="alerts")).ed25519_public_key == node.org.ed25519_public_key


async def test_rotation_replaces_the_ed25519_key_too(node, config):
    other = await Node(config).open()  # another process: it reloads the actors that changed
    try:
        method, old = await node.assertion_key("alerts")
        old_proof = proofs.sign(document(node.urls.actor("alerts")), old, method)
        old_public = node.org.ed25519_public_key
        actor, _, _ = await keys.rotate(node, "alerts", delay=60)
        assert actor.ed25519_public_key != old_public
        method_after, new = await node.assertion_key("alerts")
        assert method_after == method  # same id, new key (as for the RSA key)
        assert proofs.encode_multikey(new.public_key()) == actor.ed25519_public_key
        assert await keys.show_assertion_keys(node) == [(method, actor.ed25519_public_key)]  # not the instance actor's
        # the old key's proofs no longer verify against what the actor publishes: rotation repudiates them
        with pytest.raises(proofs.ProofError) as caught:
            await remote.verify_proof(node, old_proof)
        assert caught.value.kind == proofs.BAD_SIGNATURE

        assert "alerts" in await reload_actors(other)
        _, reloaded = await other.assertion_key("alerts")
        assert reloaded.public_key().public_bytes_raw() == new.public_key().public_bytes_raw()
        assert other.org.ed25519_public_key == actor.ed25519_public_key
    finally:
        await other.close()


def actor_doc(uri: str, entries: list) -> dict:
    return {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                         *proofs.MULTIKEY_CONTEXTS],
            "id": uri, "type": "Organization", "inbox": f"{uri}/inbox",
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": "-----BEGIN PUBLIC KEY-----"},
            "assertionMethod": entries}


async def test_a_cached_remote_actor_is_used_without_fetching(node):
    uri = "https://peer.example/actors/org"
    key = proofs.generate_private_key()
    multibase = proofs.encode_multikey(key.public_key())
    entries = [
        {"id": f"{uri}#rsa-key", "type": "Multikey", "controller": uri, "publicKeyMultibase": "z4MXj1wBzi9jUstyP"},
        {"id": f"{uri}#ed25519-key", "type": "Multikey", "controller": uri, "publicKeyMultibase": multibase},
    ]
    await RemoteActor.create(uri=uri, key_id=f"{uri}#main-key", public_key_pem="x", inbox=f"{uri}/inbox",
                             document=actor_doc(uri, entries), fetched_at=datetime.now(UTC))
    found = await remote.assertion_key(node, f"{uri}#ed25519-key")
    assert found.public_bytes_raw() == key.public_key().public_bytes_raw()
    signed = proofs.sign(document(uri), key, f"{uri}#ed25519-key")
    assert await remote.verify_proof(node, signed) == (uri, signed["proof"])


@pytest.mark.parametrize("entry", [
    {"id": "X#ed25519-key", "type": "Multikey", "controller": "https://evil.example/a", "publicKeyMultibase": "K"},
    {"id": "X#ed25519-key", "type": "JsonWebKey", "controller": "X", "publicKeyMultibase": "K"},
    {"id": "X#other-key", "type": "Multikey", "controller": "X", "publicKeyMultibase": "K"},
    "X#ed25519-key",
])
def test_assertion_method_takes_only_a_multikey_the_actor_controls(entry):
    uri = "https://peer.example/actors/org"
    multibase = proofs.encode_multikey(proofs.generate_private_key().public_key())

    def fill(value):
        if isinstance(value, str):
            return value.replace("X", uri) if value != "K" else multibase
        return {k: fill(v) for k, v in value.items()}

    assert remote.assertion_method(actor_doc(uri, [fill(entry)]), uri, f"{uri}#ed25519-key") is None
    good = fill({"id": "X#ed25519-key", "type": "Multikey", "controller": "X", "publicKeyMultibase": "K"})
    assert remote.assertion_method(actor_doc(uri, [fill(entry), good]), uri, f"{uri}#ed25519-key") is not None
    assert remote.assertion_method(actor_doc(uri, good), uri, f"{uri}#ed25519-key") is not None  # a lone object
    # the document of another actor is never used
    assert remote.assertion_method(actor_doc("https://evil.example/a", [good]), uri, f"{uri}#ed25519-key") is None
    broken = {**good, "publicKeyMultibase": "zzz"}
    with pytest.raises(proofs.ProofError):
        remote.assertion_method(actor_doc(uri, [broken]), uri, f"{uri}#ed25519-key")
