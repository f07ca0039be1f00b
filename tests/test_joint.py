"""Joint actions between real nodes on loopback: propose, sign, decline, withdraw, verify, refusals."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest
from apsig import ProofVerifier
from conftest import wait_for

from node.config import NodeConfig

AP = {"Accept": "application/activity+json"}


def joint_file(tmp_path, name: str, *, invite: list[str], title: str = "Free the journalists of Izmir",
               deadline: str | None = None, text: str = "Dear Minister,\n\nWe, the undersigned, ask you to act.",
               translations: dict[str, tuple[str, str]] | None = None) -> str:
    lines = ["---", "type: joint_action", f"title: {title}", "language: en", "addressed_to:",
             "  - name: Minister of Justice", "    role: Minister", "    contact: minister@example.org",
             "asks:", "  - Release the journalists", "  - Drop the charges", "invite:"]
    lines += [f"  - \"{item}\"" for item in invite]
    if deadline:
        lines.append(f"deadline: \"{deadline}\"")
    if translations:
        lines.append("translations:")
        for lang, (t_title, t_text) in translations.items():
            lines += [f"  {lang}:", f"    title: \"{t_title}\"", f"    text: \"{t_text}\""]
    path = tmp_path / f"{name}.md"
    path.write_text("\n".join([*lines, "---", "", text, ""]))
    return str(path)


def joint_list(node) -> dict[str, dict]:
    return {r["uri"]: r for r in map(json.loads, node.cli("joint", "list", "--json").stdout.splitlines())}


def statement(uri: str) -> dict:
    return httpx.get(uri, headers=AP, timeout=10).json()


def signers(uri: str) -> list[str]:
    return [s["signer"] for s in statement(uri)["jointAction"]["signatures"]]


def invited(node, uri: str) -> dict | None:
    return joint_list(node).get(uri)


def logged(node, text: str) -> bool:
    return text in node.log.read_text()


@pytest.fixture
def proposer(db_url, nodes):
    return nodes("p", db_url, username="alerts").init().start()


def test_propose_sign_decline_withdraw_verify(proposer, nodes, tmp_path):
    p = proposer
    a = nodes("a", username="alerts").init().start()
    b = nodes("b", username="alerts").init().start()  # declines; follows the proposer
    c = nodes("c", username="alerts").init().start()  # signs, then withdraws
    b.cli("follow", p.handle)
    wait_for(lambda: f"{p.actor}  accepted" in b.cli("following").stdout, message="b follows p")

    uri = p.cli("joint", "propose", joint_file(tmp_path, "s", invite=[a.handle, b.handle, c.actor])).stdout.strip()
    assert uri.startswith(f"{p.base}/joint/")
    for node in (a, b, c):
        wait_for(lambda node=node: (invited(node, uri) or {}).get("state") == "invited",
                 message=f"the invitation at {node.name}")
    row = invited(a, uri)
    assert row["title"] == "Free the journalists of Izmir" and row["proposer"] == p.actor and not row["own"]
    # one line per action: local id, state, title, number of signatures
    assert re.search(rf"^{row['id']}  invited  Free the journalists of Izmir  0 signature\(s\)$",
                     a.cli("joint", "list").stdout, re.M)

    a.cli("joint", "sign", row["id"])
    b.cli("joint", "decline", invited(b, uri)["id"])
    c.cli("joint", "sign", invited(c, uri)["id"])
    wait_for(lambda: sorted(signers(uri)) == sorted([a.actor, c.actor]), message="two signatures")
    c.cli("joint", "withdraw", invited(c, uri)["id"])
    wait_for(lambda: signers(uri) == [a.actor], message="c's signature withdrawn")
    wait_for(lambda: "declined" in p.cli("joint", "show", uri.rsplit("/", 1)[1]).stdout, message="b's decline")

    shown = p.cli("joint", "show", uri.rsplit("/", 1)[1]).stdout
    assert f"{b.actor}  declined" in shown and f"{c.actor}  withdrawn" in shown and f"{a.actor}  signed" in shown
    assert re.search(r"  open  Free the journalists of Izmir  1 signature\(s\)$", p.cli("joint", "list").stdout, re.M)
    assert [(r["state"]) for r in (invited(a, uri), invited(b, uri), invited(c, uri))] == \
        ["signed", "declined", "withdrawn"]

    # the statement, its page and the follower's copy (through an Update) show exactly the current signers
    note = statement(uri)
    assert note["type"] == "Note" and note["attributedTo"] == p.actor
    assert note["content"].endswith(f'Signed by 1 organisation: <a href="{a.actor}">a org</a></p>')
    page = httpx.get(uri, timeout=10)
    assert page.headers["content-type"].startswith("text/html")
    assert "a org" in page.text and "c org" not in page.text and "aan joint verify" in page.text

    def follower_copy():
        found = next((r for r in map(json.loads, b.cli("received", "--json").stdout.splitlines()) if r["id"] == uri),
                    None)
        return found if found and "Signed by 1 organisation" in (found["content"] or "") else None

    kept = wait_for(follower_copy, message="the follower's updated copy")
    assert "a org" in kept["content"] and "c org" not in kept["content"]

    # each signature is served at its own URL, as received, with its proof
    signature = statement(uri)["jointAction"]["signatures"][0]
    served = httpx.get(signature["signature"], headers=AP, timeout=10).json()
    assert served["type"] == "Accept" and served["actor"] == a.actor and served["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert served["jointSignature"]["statement"] == uri
    # an independent FEP-8b32 implementation agrees, with the key a's actor publishes
    multikey = httpx.get(a.actor, headers=AP, timeout=10).json()["assertionMethod"][0]["publicKeyMultibase"]
    assert ProofVerifier(multikey).verify_proof(copy.deepcopy(served)) == f"{a.actor}#ed25519-key"

    verified = b.cli("joint", "verify", uri)
    assert f"valid  {a.actor}  a org" in verified.stdout and "1 valid signature(s)" in verified.stdout

    # a stored signature altered afterwards no longer verifies
    asyncio.run(_alter_signature(NodeConfig.load(p.data_dir).database_url, served["id"]))
    failed = b.cli("joint", "verify", uri, check=False)
    assert failed.returncode == 1
    assert f"invalid  {a.actor}  a org  (bad signature)" in failed.stdout
    altered = httpx.get(signature["signature"], headers=AP, timeout=10).json()
    assert altered["published"] == "2001-01-01T00:00:00Z" and ProofVerifier(multikey).verify_proof(altered) is None


async def _alter_signature(database_url: str, accept_id: str) -> None:
    from node.storage import db
    from node.storage.models import JointSignature

    await db.init(database_url)
    try:
        row = await JointSignature.get(accept_id=accept_id)
        document = orjson.loads(row.document)
        document["published"] = "2001-01-01T00:00:00Z"
        row.document = orjson.dumps(document).decode()
        await row.save(update_fields=["document"])
    finally:
        await db.close()


async def _pass_deadline(database_url: str, uri: str) -> None:
    from node.storage import db
    from node.storage.models import JointAction

    await db.init(database_url)
    try:
        assert await JointAction.filter(uri=uri, own=True).update(
            deadline=datetime.now(UTC) - timedelta(seconds=1)) == 1
    finally:
        await db.close()


# --- refusals -----------------------------------------------------------------------------------


async def _deliver(signer, inbox: str, build) -> dict:
    """POST an Accept built by ``build(urls, actor_uri, sign)`` as ``signer`` (its real HTTP signature key)."""
    from node.activitypub import proofs
    from node.activitypub.signatures import sign_headers
    from node.storage import db
    from node.storage.models import LocalActor

    config = NodeConfig.load(signer.data_dir)
    await db.init(config.database_url)
    try:
        actor = await LocalActor.get(username=signer.username)
    finally:
        await db.close()
    key = proofs.load_private_key(actor.ed25519_private_key_pem)

    def sign(document, private_key=key, method=proofs.key_id(signer.actor)):
        return proofs.sign(document, private_key, method)

    document = build(config.urls, signer.actor, sign)
    body = orjson.dumps(document)
    headers = sign_headers("POST", inbox, key_id=f"{signer.actor}#main-key", private_key=actor.private_key_pem,
                           body=body)
    async with httpx.AsyncClient() as client:
        response = await client.post(inbox, content=body, headers=headers)
    assert response.status_code == 202, response.text
    return document


def deliver(signer, target, build) -> dict:
    return asyncio.run(_deliver(signer, f"{target.actor}/inbox", build))


def accept_of(invite_id: str, statement_uri: str, *, version: int = 1, digest: str, tamper: bool = False,
              other_key: bool = False):
    from node.activitypub import joint as wire
    from node.activitypub import outbox, proofs

    def build(urls, actor, sign):
        document = wire.accept(urls=urls, username=actor.rsplit("/", 1)[1], activity_id=outbox.new_id(),
                               invite_id=invite_id, proposer="", statement=statement_uri, version=version,
                               digest=digest, published=datetime.now(UTC))
        if other_key:  # a key the actor does not publish
            signed = sign(document, proofs.generate_private_key(), f"{actor}#other-key")
        else:
            signed = sign(document)
        if tamper:
            signed["jointSignature"] = {**signed["jointSignature"], "version": version + 1}
        return signed

    return build


def invite_of(p, uri: str, invitee: str) -> str:
    return asyncio.run(_invite_id(NodeConfig.load(p.data_dir).database_url, uri, invitee))


async def _invite_id(database_url: str, uri: str, invitee: str) -> str:
    from node.storage import db
    from node.storage.models import JointInvitation

    await db.init(database_url)
    try:
        row = await JointInvitation.get(action__uri=uri, invitee_uri=invitee)
        return row.invite_id
    finally:
        await db.close()


def test_refusals(proposer, nodes, tmp_path):
    p = proposer
    a = nodes("a", username="alerts").init().start()
    stranger = nodes("s", username="alerts").init().start()
    x = p.cli("joint", "propose", joint_file(tmp_path, "x", invite=[a.handle])).stdout.strip()
    y = p.cli("joint", "propose", joint_file(tmp_path, "y", invite=[a.handle], title="Lift the ban")).stdout.strip()
    later = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    z = p.cli("joint", "propose", joint_file(tmp_path, "z", invite=[a.handle], title="Reopen the radio",
                                             deadline=later.isoformat())).stdout.strip()
    for uri in (x, y, z):
        wait_for(lambda uri=uri: invited(a, uri), message="the invitations at a")
    digest = statement(x)["jointAction"]["contentHash"]
    invite_x = invite_of(p, x, a.actor)

    # not invited (and no network member): refused
    deliver(stranger, p, accept_of(invite_x, x, digest=digest))
    wait_for(lambda: logged(p, "joint_not_invited"), message="the stranger refused")
    # a forged proof (the document changed after signing)
    deliver(a, p, accept_of(invite_x, x, digest=digest, tamper=True))
    wait_for(lambda: logged(p, "joint_bad_signature"), message="the forged proof refused")
    # a proof by a key the actor does not publish
    deliver(a, p, accept_of(invite_x, x, digest=digest, other_key=True))
    wait_for(lambda: logged(p, "joint_unknown_key"), message="the unpublished key refused")
    # an Accept of x's Invite that binds another statement (y)
    deliver(a, p, accept_of(invite_x, y, digest=statement(y)["jointAction"]["contentHash"]))
    wait_for(lambda: logged(p, "joint_another_statement"), message="the Accept for another statement refused")
    wait_for(p.queues_idle, message="the proposer's inbox done")
    assert signers(x) == [] and signers(y) == []

    # a replayed Accept: signed, withdrawn, then the same Accept delivered again
    a.cli("joint", "sign", invited(a, x)["id"])
    wait_for(lambda: signers(x) == [a.actor], message="a's signature of x")
    original = httpx.get(statement(x)["jointAction"]["signatures"][0]["signature"], headers=AP, timeout=10).json()
    a.cli("joint", "withdraw", invited(a, x)["id"])
    wait_for(lambda: signers(x) == [], message="a's signature withdrawn")
    deliver(a, p, lambda urls, actor, sign: original)
    wait_for(p.queues_idle, message="the replay handled")
    assert signers(x) == []

    # after close: refused, and the signer's node shows why
    p.cli("joint", "close", y.rsplit("/", 1)[1])
    wait_for(lambda: statement(y)["jointAction"]["state"] == "closed", message="y closed")
    a.cli("joint", "sign", invited(a, y)["id"])
    wait_for(lambda: invited(a, y)["state"] == "refused: closed", message="the refusal at the signer")
    assert signers(y) == []
    assert re.search(r"  refused: closed  Lift the ban  0 signature\(s\)$", a.cli("joint", "list").stdout, re.M)

    # after the deadline: refused (the proposer's deadline moved into the past, rather than waiting
    # for a near one that a slow machine could pass before the proposal is even made)
    asyncio.run(_pass_deadline(NodeConfig.load(p.data_dir).database_url, z))
    a.cli("joint", "sign", invited(a, z)["id"])
    wait_for(lambda: invited(a, z)["state"] == "refused: deadline", message="the late signature refused")
    assert signers(z) == []


def test_edit_reopens_signing_and_marks_earlier_signatures(proposer, nodes, tmp_path):
    p = proposer
    a = nodes("a", username="alerts").init().start()
    uri = p.cli("joint", "propose", joint_file(tmp_path, "s", invite=[a.handle])).stdout.strip()
    wait_for(lambda: invited(a, uri), message="the invitation")
    a.cli("joint", "sign", invited(a, uri)["id"])
    wait_for(lambda: signers(uri) == [a.actor], message="a signed")
    action_id = uri.rsplit("/", 1)[1]
    p.cli("joint", "close", action_id)
    p.cli("joint", "edit", action_id, joint_file(tmp_path, "s2", invite=[a.handle],
                                                  text="Dear Minister,\n\nA changed text."))
    wait_for(lambda: statement(uri)["jointAction"]["version"] == 2, message="version 2")
    action = statement(uri)["jointAction"]
    assert action["state"] == "open" and action["signatures"] == []
    assert [s["signer"] for s in action["earlierSignatures"]] == [a.actor]
    # the signer's copy follows: its signature is for an earlier version, it may sign again
    wait_for(lambda: invited(a, uri)["state"] == "invited" and invited(a, uri)["version"] == 2,
             message="signing reopened at a")
    out = a.cli("joint", "verify", uri)
    assert "not counted" in out.stdout and "0 valid signature(s)" in out.stdout
    a.cli("joint", "sign", invited(a, uri)["id"])
    wait_for(lambda: signers(uri) == [a.actor], message="a signed version 2")
    assert statement(uri)["jointAction"]["earlierSignatures"] == []
    assert "1 valid signature(s)" in a.cli("joint", "verify", uri).stdout


def test_network_invitation_through_the_clearinghouse(db_url, nodes, tmp_path):
    ch = nodes("ch", db_url, username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", db_url)
    ch.start()
    m1 = nodes("m1", username="alerts").init().start()
    m2 = nodes("m2", username="alerts").init().start()
    m3 = nodes("m3", username="alerts").init().start()
    for member in (m1, m2, m3):
        ch.cli("member", "add", member.handle)

    def active():
        rows = [json.loads(line) for line in ch.cli("member", "list", "--json").stdout.splitlines()]
        return sum(r["state"] == "active" for r in rows) == 3

    wait_for(active, message="members active")
    french = ("Libérez les journalistes d'Izmir", "Monsieur le Ministre, nous vous demandons d'agir.")
    uri = m1.cli("joint", "propose", joint_file(tmp_path, "n", invite=["network"],
                                                translations={"fr": french})).stdout.strip()
    for member in (m2, m3):
        wait_for(lambda member=member: invited(member, uri), message=f"the network invitation at {member.name}")
    m2.cli("joint", "sign", invited(m2, uri)["id"])
    m3.cli("joint", "decline", invited(m3, uri)["id"])
    wait_for(lambda: signers(uri) == [m2.actor], message="m2's signature through the network invitation")
    # the Clearing House lists the open statement with its live count (kept current by the Updates)
    wait_for(lambda: '<strong class="joint-count">1</strong>' in httpx.get(f"{ch.base}/joint", timeout=10).text,
             message="the live count on the Clearing House's website")
    listed = httpx.get(f"{ch.base}/joint", timeout=10).text
    assert "m2 org" in listed and '<article class="card" lang="en"' in listed
    assert "Free the journalists of Izmir" in listed and "Libérez" not in listed
    # a French reader sees the title of the French version, linked to that version of the statement
    french_page = httpx.get(f"{ch.base}/joint?lang=fr", timeout=10).text
    assert '<article class="card" lang="fr"' in french_page and f'href="{uri}?lang=fr"' in french_page
    assert "Libérez les journalistes d&#39;Izmir" in french_page and "Free the journalists" not in french_page
    assert french in [(v["title"], v["text"]) for v in [statement(uri)["jointAction"]["translations"]["fr"]]]
    # and boosted the statement once, at its first publication
    assert asyncio.run(_announces(ch.database_url(), uri)) == 1
    assert "1 valid signature(s)" in m3.cli("joint", "verify", uri).stdout
    wait_for(lambda: f"{m3.actor}  declined" in m1.cli("joint", "show", uri.rsplit("/", 1)[1]).stdout,
             message="m3's decline")


async def _announces(database_url: str, uri: str) -> int:
    from node.storage import db
    from node.storage.models import Activity

    await db.init(database_url)
    try:
        return await Activity.filter(type="Announce", object_uri=uri).count()
    finally:
        await db.close()


def test_proposal_errors_are_reported_at_once(tmp_path, nodes):
    node = nodes("p", username="alerts").init()
    path = tmp_path / "bad.md"
    path.write_text("---\ntype: joint\ntitel: x\nlanguage: english\ninvite: [nobody]\ndeadline: 2001-01-01\n---\n")
    result = node.cli("joint", "propose", str(path), check=False)
    assert result.returncode == 2
    for problem in ("titel: unknown field (did you mean 'title'?)", "type: must be 'joint_action'",
                    "title: missing", "language:", "addressed_to: missing", "asks: missing",
                    "deadline: is already past", "invite: 'nobody'", "body: missing"):
        assert problem in result.stderr
    assert node.cli("joint", "list").stdout == ""
