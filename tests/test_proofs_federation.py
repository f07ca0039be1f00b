"""Integrity-proof keys between real nodes: node a serves its Ed25519 key in its actor document
(FEP-521a), node b fetches it over HTTP and verifies a proof a's key made (FEP-8b32), also with an
independent implementation (apsig); after ``aan keys rotate`` on a, b refetches once and verifies
a's new proofs, and a's old proofs no longer verify (SQLite and PostgreSQL, real processes)."""

from __future__ import annotations

import asyncio
import copy

import httpx
from apsig import ProofVerifier
from conftest import wait_until

from node.activitypub import proofs, remote
from node.config import NodeConfig
from node.service import Node
from node.storage.models import RemoteActor

AP = {"Accept": "application/activity+json"}


def statement(actor: str, n: int) -> dict:
    return {"@context": ["https://www.w3.org/ns/activitystreams", proofs.DATA_INTEGRITY_CONTEXT],
            "id": f"{actor}/accepts/{n}", "type": "Accept", "actor": actor,
            "object": {"type": "Invite", "id": "http://elsewhere.test/invites/1", "object": "http://elsewhere.test/j/1"}}


async def sign_as(data_dir, n: int) -> dict:
    """A proof made with the node's own key, through the node (as the joint-action flow will)."""
    node = await Node(NodeConfig.load(data_dir)).open()
    try:
        method, key = await node.assertion_key(node.config.username)
        return proofs.sign(statement(node.urls.actor(node.config.username), n), key, method)
    finally:
        await node.close()


async def verify_at(data_dir, document: dict):
    """``remote.verify_proof`` run by node b (its database, its HTTP client): (actor, proof) or the ProofError."""
    node = await Node(NodeConfig.load(data_dir)).open()
    try:
        try:
            return await remote.verify_proof(node, document)
        except proofs.ProofError as exc:
            return exc
    finally:
        await node.close()


async def key_at(data_dir, method: str):
    node = await Node(NodeConfig.load(data_dir)).open()
    try:
        try:
            return await remote.assertion_key(node, method)
        except proofs.ProofError as exc:
            return exc
    finally:
        await node.close()


async def cached_document(data_dir, uri: str) -> dict | None:
    node = await Node(NodeConfig.load(data_dir)).open()
    try:
        row = await RemoteActor.filter(uri=uri).first()
        return row.document if row else None
    finally:
        await node.close()


def test_a_second_node_verifies_proofs_with_the_key_the_first_publishes(nodes, db_kind, database_factory,
                                                                         monkeypatch):
    monkeypatch.setenv("AAN_REFRESH_SECONDS", "0.3")  # a's server loads a rotated key within 0.3 s
    a = nodes("a", database_factory(db_kind)).init().start()
    b = nodes("b", database_factory(db_kind)).init()  # b need not serve: it only fetches
    method = f"{a.actor}#ed25519-key"

    actor = httpx.get(a.actor, headers=AP).json()
    assert "https://w3id.org/security/multikey/v1" in actor["@context"]
    [entry] = actor["assertionMethod"]
    assert entry["id"] == method and entry["type"] == "Multikey" and entry["controller"] == a.actor
    assert entry["publicKeyMultibase"].startswith("z6Mk")

    signed = asyncio.run(sign_as(a.data_dir, 1))
    assert signed["proof"]["verificationMethod"] == method
    # b fetches a's actor over HTTP and verifies; the key is what a serves
    assert asyncio.run(verify_at(b.data_dir, signed)) == (a.actor, signed["proof"])
    assert asyncio.run(cached_document(b.data_dir, a.actor))["assertionMethod"] == [entry]
    # an independent implementation agrees, with the key as served
    assert ProofVerifier(entry["publicKeyMultibase"]).verify_proof(copy.deepcopy(signed)) == method

    forged = copy.deepcopy(signed)
    forged["object"]["object"] = "http://elsewhere.test/j/2"
    error = asyncio.run(verify_at(b.data_dir, forged))
    assert isinstance(error, proofs.ProofError) and error.kind == proofs.BAD_SIGNATURE
    error = asyncio.run(key_at(b.data_dir, f"{a.actor}#other-key"))  # a key a does not list (b refetches once)
    assert isinstance(error, proofs.ProofError) and error.kind == proofs.UNKNOWN_KEY
    error = asyncio.run(key_at(b.data_dir, f"{a.base}/actor#ed25519-key"))  # the instance actor lists none
    assert isinstance(error, proofs.ProofError) and error.kind == proofs.UNKNOWN_KEY

    out = a.cli("keys", "rotate").stdout
    assert f"rotated the integrity-proof key {method}: z6Mk" in out
    new = out.rsplit(": ", 1)[1].strip()
    assert new != entry["publicKeyMultibase"]
    wait_until(lambda: httpx.get(a.actor, headers=AP).json()["assertionMethod"][0]["publicKeyMultibase"] == new,
               message="a to serve its new Ed25519 key")
    assert f"{method}  {new}" in a.cli("keys", "show").stdout

    # b still caches the old document: the new proof fails against it, b refetches once and verifies
    after = asyncio.run(sign_as(a.data_dir, 2))
    assert asyncio.run(cached_document(b.data_dir, a.actor))["assertionMethod"] == [entry]
    assert asyncio.run(verify_at(b.data_dir, after)) == (a.actor, after["proof"])
    assert asyncio.run(cached_document(b.data_dir, a.actor))["assertionMethod"][0]["publicKeyMultibase"] == new
    # and the proofs of the old key are repudiated
    error = asyncio.run(verify_at(b.data_dir, signed))
    assert isinstance(error, proofs.ProofError) and error.kind == proofs.BAD_SIGNATURE
