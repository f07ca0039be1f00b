"""Joint actions in the staff interface: the propose form (every error at once, values kept, preview,
translations), the right to sign, CSRF; and, between real nodes on loopback, an invitation signed,
declined and withdrawn with the buttons while the proposer's status panel follows."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from conftest import wait_for
from test_joint import invited, joint_file, signers, statement
from webui_support import PASSWORD, csrf_of, post_form, site  # noqa: F401

from node.services import joint

AP = {"Accept": "application/activity+json"}


def propose_form(**overrides) -> dict:
    form = {
        "action": "propose", "language": "en", "title": "Free the journalists of Izmir",
        "text": "Dear Minister,\n\nWe, the **undersigned**, ask you to act.",
        "addressee-0-name": "Minister of Justice", "addressee-0-role": "Minister",
        "addressee-0-contact": "minister@example.org",
        "asks": "Release the journalists\nDrop the charges", "deadline": "2099-12-31", "about": "",
        "invite": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


# --- in-process: the form ----------------------------------------------------------------------


async def test_every_error_at_once_and_the_typed_values_kept(site):  # noqa: F811 - the imported fixture
    client = await site.login("boss", "admin")
    response = await post_form(client, "/admin/joint/new", propose_form(
        title="", deadline="2001-01-01", about="not a link", invite="nobody\n@ok@example.org",
        **{"addressee-0-name": "", "addressee-0-role": "Prime Minister", "addressee-0-contact": "",
           "tr-fr-title": "Libérez les journalistes", "tr-fr-text": "", "tr-en-title": "Same language",
           "tr-en-text": "x"}))
    assert response.status_code == 422
    page = response.text
    summary = page[page.index('id="errors"'):page.index("</ul>", page.index('id="errors"'))]
    for field, message in (("f-title", "Title of the statement: missing"), ("addressee-0-name", "Addressee 1 — Name: missing"),
                           ("f-deadline", "is already past"), ("f-about", "expected an http or https URL"),
                           ("f-invite", "&#39;nobody&#39; is not a user@host handle"),
                           ("tr-fr-text", "Translation: French — Text: missing"),
                           ("tr-en-title", "repeats the statement&#39;s own language")):
        assert re.search(rf'<a href="#{field}">[^<]*{re.escape(message)}', summary), (field, summary)
    # what was typed is still there
    assert 'value="Prime Minister"' in page and 'value="2001-01-01"' in page and 'value="not a link"' in page
    assert "nobody\n@ok@example.org</textarea>" in page
    assert 'value="Libérez les journalistes"' in page
    assert "Release the journalists\nDrop the charges</textarea>" in page
    assert await joint.list_actions(site.node) == []


async def test_errors_in_french(site):  # noqa: F811 - the imported fixture
    client = await site.login("boss", "admin")
    client.cookies.set("aan_lang", "fr")
    response = await post_form(client, "/admin/joint/new", propose_form(title="", asks=""))
    assert response.status_code == 422
    assert "Titre de la déclaration : manquant" in response.text


async def test_preview_as_on_mastodon_with_a_translation(site):  # noqa: F811 - the imported fixture
    client = await site.login("boss", "admin")
    response = await post_form(client, "/admin/joint/new", propose_form(
        action="preview", **{"tr-fr-title": "Libérez les journalistes d'Izmir", "tr-fr-text": "Monsieur le Ministre,"}))
    assert response.status_code == 200
    page = response.text
    preview = page[page.index('id="preview"'):]
    toots = re.findall(r'<div class="toot" lang="(\w+)" dir="ltr">.*?<div class="toot-body">(.*?)</div>', preview, re.S)
    assert [lang for lang, _ in toots] == ["en", "fr"]
    assert toots[0][1].startswith("<p><strong>Free the journalists of Izmir</strong></p><p>To: Minister of Justice")
    assert "We, the <strong>undersigned</strong>" in toots[0][1]
    assert "<p><strong>Libérez les journalistes d&#x27;Izmir</strong></p>" in toots[1][1]
    assert "Monsieur le Ministre," in toots[1][1] and "Nous demandons" in toots[1][1]
    assert await joint.list_actions(site.node) == []  # a preview stores nothing


async def test_add_translation_button_and_csrf(site):  # noqa: F811 - the imported fixture
    client = await site.login("boss", "admin")
    response = await post_form(client, "/admin/joint/new", propose_form(action="add_translation", new_translation="fr"))
    assert response.status_code == 200 and 'id="tr-fr-title"' in response.text and 'id="tr-fr-text"' in response.text
    # without the CSRF token: refused, nothing proposed (the invitee is never even looked up)
    refused = await post_form(client, "/admin/joint/new", propose_form(invite="network"), csrf=False)
    assert refused.status_code == 403
    assert await joint.list_actions(site.node) == []


async def _received(web) -> str:
    from node.storage.models import JointAction, JointInvitation

    row = await JointAction.create(
        id="r1", uri="http://elsewhere.test/joint/x", own=False, proposer_uri="http://elsewhere.test/actors/a",
        proposer_name="Elsewhere", title="Lift the ban", language="en", text="Dear Minister", addressed_to=[],
        asks=["Lift it"], state="invited", version=1, text_hash="sha256:0", published=datetime.now(UTC))
    await JointInvitation.create(action=row, invitee_uri=web.node.urls.actor(web.node.org.username),
                                 inviter_uri=row.proposer_uri, invite_id="http://elsewhere.test/activities/1")
    return row.id


async def test_only_those_given_the_right_sign(site):  # noqa: F811 - the imported fixture
    action_id = await _received(site)
    editor = await site.login("ed", "editor")
    page = await editor.get(f"/admin/joint/{action_id}")
    assert page.status_code == 200 and "Lift the ban" in page.text and "Elsewhere" in page.text
    assert f'action="/admin/joint/{action_id}/sign"' not in page.text
    for answer in ("sign", "decline", "withdraw"):
        response = await post_form(editor, f"/admin/joint/{action_id}/{answer}", {})
        assert response.status_code == 403, answer
    assert (await joint.get_action(site.node, action_id)).state == "invited"
    # the right, given on the users page, shows the buttons
    admin = await site.login("boss", "admin")
    from node.services import users

    ed = await users.find("ed")
    assert (await post_form(admin, f"/admin/users/{ed.id}", {"action": "can_sign", "can_sign": "yes"})).status_code == 303
    assert users.may_sign(await users.find("ed"))
    page = await editor.get(f"/admin/joint/{action_id}")
    assert f'action="/admin/joint/{action_id}/sign"' in page.text
    assert f'action="/admin/joint/{action_id}/decline"' in page.text


# --- real nodes ---------------------------------------------------------------------------------


class Staff(httpx.Client):
    csrf: str = ""


def login(node, username: str, *, role: str = "editor", can_sign: bool = False) -> Staff:
    args = ["user", "add", username, "--role", role, "--password-stdin"] + (["--can-sign"] if can_sign else [])
    node.cli(*args, stdin=PASSWORD + "\n")
    client = Staff(base_url=node.base, timeout=15)
    page = client.get("/login")
    response = client.post("/login", data={"csrf": csrf_of(page.text), "username": username, "password": PASSWORD,
                                           "next": "/admin"})
    assert response.status_code == 303, response.text
    client.csrf = csrf_of(client.get("/admin").text)
    return client


def post(client: Staff, url: str, data: dict | None = None, *, csrf: bool = True) -> httpx.Response:
    return client.post(url, data={**(data or {}), **({"csrf": client.csrf} if csrf else {})})


def invitee_state(client: Staff, action_id: str, actor: str) -> str:
    page = client.get(f"/admin/joint/{action_id}").text
    row = re.search(rf'<tr data-invitee="{re.escape(actor)}">(.*?)</tr>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split()) if row else ""


@pytest.fixture
def proposer(db_url, nodes):
    return nodes("p", db_url, username="alerts").init().start()


def test_web_propose_sign_decline_withdraw(proposer, nodes):
    p = proposer
    a = nodes("a", username="alerts").init().start()
    b = nodes("b", username="alerts").init().start()
    boss = login(p, "boss", role="admin")
    response = post(boss, "/admin/joint/new", propose_form(
        invite=f"{a.handle}\n{b.actor}",
        **{"tr-fr-title": "Libérez les journalistes d'Izmir", "tr-fr-text": "Monsieur le Ministre,\n\nNous agissons."}))
    assert response.status_code == 303, response.text
    action_id = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    uri = f"{p.base}/joint/{action_id}"

    # the statement federates every language version; the page switches language
    note = statement(uri)
    assert list(note["contentMap"]) == ["en", "fr"]
    assert note["contentMap"]["fr"].startswith("<p><strong>Libérez les journalistes d&#x27;Izmir</strong></p>")
    assert note["jointAction"]["translations"] == {
        "fr": {"title": "Libérez les journalistes d'Izmir", "text": "Monsieur le Ministre,\n\nNous agissons."}}
    english, french = httpx.get(uri, timeout=10).text, httpx.get(f"{uri}?lang=fr", timeout=10).text
    assert "<title>Free the journalists of Izmir" in english and "Nous agissons." not in english
    assert "<title>Libérez les journalistes d&#39;Izmir" in french and "Nous agissons." in french
    assert '<html lang="fr"' in french and "Déclaration commune" in french and "Signataires" in french
    assert re.search(r'href="[^"]*\?lang=fr" hreflang="fr" lang="fr" aria-current="true"', french)

    for node in (a, b):
        wait_for(lambda node=node: (invited(node, uri) or {}).get("state") == "invited",
                 message=f"the invitation at {node.name}")
    # the proposer's panel: both invited; nothing left on its way once the Invites are delivered
    wait_for(lambda: "Delivered" in invitee_state(boss, action_id, a.actor)
             and "Delivered" in invitee_state(boss, action_id, b.actor), message="the Invites delivered")
    assert invitee_state(boss, action_id, a.actor).startswith("a org Invited")

    # a's staff: an editor given the right; the invitation page shows the whole statement
    ed = login(a, "ed", can_sign=True)
    listing = ed.get("/admin/joint").text
    local = invited(a, uri)["id"]
    assert f'href="/admin/joint/{local}"' in listing and "Free the journalists of Izmir" in listing
    page = ed.get(f"/admin/joint/{local}").text
    for expected in ("p org", "Minister of Justice, Minister", "minister@example.org", "Release the journalists",
                     "We, the <strong>undersigned</strong>, ask you to act.", "2099", "Nous agissons.",
                     "No organisation has signed yet."):
        assert expected in page, expected
    # without the CSRF token nothing is signed
    assert post(ed, f"/admin/joint/{local}/sign", csrf=False).status_code == 403
    assert invited(a, uri)["state"] == "invited"
    # an editor without the right: 403
    plain = login(b, "plain")
    assert post(plain, f"/admin/joint/{invited(b, uri)['id']}/sign").status_code == 403
    assert invited(b, uri)["state"] == "invited"

    assert post(ed, f"/admin/joint/{local}/sign").status_code == 303
    wait_for(lambda: signers(uri) == [a.actor], message="a's signature")
    wait_for(lambda: invitee_state(boss, action_id, a.actor).startswith("a org Signed"), message="signed at p")
    status = boss.get(f"/admin/joint/{action_id}").text
    signature = statement(uri)["jointAction"]["signatures"][0]["signature"]
    assert f'<a href="{signature}">' in status
    # a's staff see themselves among the signers once the Update arrives
    wait_for(lambda: "a org" in ed.get(f"/admin/joint/{local}").text.split("Signed so far")[1],
             message="the signers at a")

    # the right given at the command line
    b.cli("user", "can-sign", "plain", "yes")
    assert re.search(r"^plain\s+editor\s+created \S+  can sign$", b.cli("user", "list").stdout, re.M)
    assert post(plain, f"/admin/joint/{invited(b, uri)['id']}/decline").status_code == 303
    wait_for(lambda: invitee_state(boss, action_id, b.actor).startswith("b org Declined"), message="b declined")

    assert post(ed, f"/admin/joint/{local}/withdraw").status_code == 303
    wait_for(lambda: signers(uri) == [], message="a's signature withdrawn")
    wait_for(lambda: invitee_state(boss, action_id, a.actor).startswith("a org Withdrawn"), message="withdrawn at p")
    assert [r["state"] for r in map(json.loads, a.cli("joint", "list", "--json").stdout.splitlines())] == ["withdrawn"]

    # closed with the button; a signature sent afterwards comes back refused, and a's staff see why
    assert post(boss, f"/admin/joint/{action_id}/close").status_code == 303
    wait_for(lambda: statement(uri)["jointAction"]["state"] == "closed", message="closed")
    wait_for(lambda: "closed by the proposer" in ed.get(f"/admin/joint/{local}").text, message="closed at a")
    assert f'action="/admin/joint/{local}/sign"' not in ed.get(f"/admin/joint/{local}").text
    a.cli("joint", "sign", local)
    wait_for(lambda: invited(a, uri)["state"] == "refused: closed", message="the refusal at a")
    page = ed.get(f"/admin/joint/{local}").text
    assert "The proposer refused our signature" in page and "Reason: the statement was closed" in page


def test_a_changed_translation_reopens_signing(proposer, nodes, tmp_path):
    p = proposer
    a = nodes("a", username="alerts").init().start()
    path = joint_file(tmp_path, "s", invite=[a.handle])
    text = Path(path).read_text().replace("invite:", "translations:\n  fr:\n    title: Libérez les journalistes\n"
                                     "    text: Monsieur le Ministre, agissez.\ninvite:", 1)
    Path(path).write_text(text)
    uri = p.cli("joint", "propose", path).stdout.strip()
    assert statement(uri)["contentMap"]["fr"].startswith("<p><strong>Libérez les journalistes</strong></p>")
    wait_for(lambda: invited(a, uri), message="the invitation")
    a.cli("joint", "sign", invited(a, uri)["id"])
    wait_for(lambda: signers(uri) == [a.actor], message="a signed")
    assert "1 valid signature(s)" in a.cli("joint", "verify", uri).stdout

    # the proposer's staff change only the French text, through the edit form
    boss = login(p, "boss", role="admin")
    action_id = uri.rsplit("/", 1)[1]
    form = boss.get(f"/admin/joint/{action_id}/edit").text
    assert "Monsieur le Ministre, agissez.</textarea>" in form
    response = post(boss, f"/admin/joint/{action_id}/edit", propose_form(
        title="Free the journalists of Izmir", text="Dear Minister,\n\nWe, the undersigned, ask you to act.",
        asks="Release the journalists\nDrop the charges", deadline="",
        **{"tr-fr-title": "Libérez les journalistes", "tr-fr-text": "Monsieur le Ministre, agissez vite."}))
    assert response.status_code == 303, response.text
    wait_for(lambda: statement(uri)["jointAction"]["version"] == 2, message="version 2")
    action = statement(uri)["jointAction"]
    assert action["signatures"] == [] and [s["signer"] for s in action["earlierSignatures"]] == [a.actor]
    assert action["translations"]["fr"]["text"] == "Monsieur le Ministre, agissez vite."
    out = a.cli("joint", "verify", uri)
    assert f"not counted  {a.actor}" in out.stdout and "0 valid signature(s)" in out.stdout
    wait_for(lambda: invited(a, uri)["state"] == "invited" and invited(a, uri)["version"] == 2,
             message="signing reopened at a")
    assert "Signed an earlier version of this text" in boss.get(f"/admin/joint/{action_id}").text


async def test_the_status_panel_shows_deliveries_still_on_their_way(site, monkeypatch):  # noqa: F811
    from node.storage import jobs
    from node.storage.models import Activity, Delivery, FanoutJob, RemoteActor

    other = await RemoteActor.create(uri="http://other.test/actors/a", key_id="http://other.test/actors/a#main-key",
                                     public_key_pem="", inbox="http://other.test/actors/a/inbox", name="Other org",
                                     fetched_at=datetime.now(UTC))

    async def resolve(node, handle_or_url):
        assert handle_or_url == "@a@other.test"
        return other

    monkeypatch.setattr(joint, "_resolve", resolve)
    admin = await site.login("boss", "admin")
    response = await post_form(admin, "/admin/joint/new", propose_form(invite="@a@other.test"))
    assert response.status_code == 303
    action_id = response.headers["location"].split("?")[0].rsplit("/", 1)[1]

    async def panel() -> str:
        page = (await admin.get(f"/admin/joint/{action_id}")).text
        row = re.search(rf'<tr data-invitee="{re.escape(other.uri)}">(.*?)</tr>', page, re.S)
        assert row, page
        return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())

    # no worker runs here: the Invite's fan-out has not made its delivery yet
    assert await panel() == "Other org Invited Pending delivery"
    invite = await Activity.get(type="Invite", object_uri=site.node.urls.joint(action_id))
    job = await FanoutJob.get(activity_id=invite.id)
    await jobs.add_deliveries(invite.id, [(other.inbox, "other.test")], at=datetime.now(UTC), done_job=job.id)
    assert await panel() == "Other org Invited Pending delivery"
    delivery = await Delivery.get(activity_id=invite.id)
    await jobs.finish("deliveries", [delivery.id])
    assert await panel() == "Other org Invited Delivered"
    await jobs.finish("deliveries", [delivery.id], status="failed")
    assert await panel() == "Other org Invited Delivery failed"


async def test_live_preview_endpoint(site):  # noqa: F811
    client = await site.login("boss", "admin")
    form = propose_form(**{"tr-ar-title": "أطلقوا سراح الصحفيين", "tr-ar-text": "السيد الوزير"})
    response = await client.post("/admin/joint/preview", data=form, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 200
    assert '<div id="preview-content">' in response.text
    assert '<div class="toot" lang="ar" dir="rtl">' in response.text and "السيد الوزير" in response.text
    assert (await client.post("/admin/joint/preview", data=form)).status_code == 403  # no CSRF token


async def test_an_unknown_invitee_is_listed_with_the_other_errors(site, monkeypatch):  # noqa: F811
    from node import errors

    async def resolve(node, handle_or_url):
        raise errors.RemoteFailure(f"no {handle_or_url}", public="the account could not be found")

    monkeypatch.setattr(joint, "_resolve", resolve)
    client = await site.login("boss", "admin")
    response = await post_form(client, "/admin/joint/new", propose_form(title="", invite="@nobody@nowhere.test"))
    assert response.status_code == 422
    assert '<a href="#f-title">Title of the statement: missing</a>' in response.text
    assert ('<a href="#f-invite">Invite: &#39;@nobody@nowhere.test&#39;: the account could not be found</a>'
            in response.text)
    assert await joint.list_actions(site.node) == []
