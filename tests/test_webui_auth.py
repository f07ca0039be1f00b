"""Staff accounts: the CLI, passwords, sessions, CSRF, login limits, roles, and the demo's admin."""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import ROOT, aan, listening_sockets, port_of, wait_until
from webui_support import BASE, PASSWORD, csrf_of, post_form, site, sqlite_site  # noqa: F401

from node.config import NodeConfig
from node.services import users
from node.storage.models import Draft, User, WebSession
from node.webui import auth

# --- passwords and the command line --------------------------------------------------------------------


def test_password_hashes_are_salted_scrypt():
    first, second = users.hash_password("a long password"), users.hash_password("a long password")
    assert first.startswith("scrypt$") and first != second
    assert users.verify_password("a long password", first)
    assert not users.verify_password("a long passwore", first)
    assert not users.verify_password("anything", "md5$abc")


def test_user_add_with_generated_or_stdin_password(node_dir):
    result = aan("user", "add", "amina", "--role", "admin", data_dir=node_dir)
    lines = result.stdout.splitlines()
    assert lines[0] == "created admin amina"
    generated = re.fullmatch(r"password: (\S+)  \(shown once; store it safely\)", lines[1]).group(1)
    assert len(generated) >= 20
    result = aan("user", "add", "bo", "--password-stdin", data_dir=node_dir, stdin="my secret words\n")
    assert result.stdout == "created editor bo\n"  # nothing secret printed
    listing = aan("user", "list", data_dir=node_dir).stdout
    assert re.search(r"amina\s+admin", listing) and re.search(r"bo\s+editor", listing)
    again = aan("user", "add", "bo", data_dir=node_dir, check=False)
    assert again.returncode == 2 and again.stdout == "" and "already exists" in again.stderr
    short = aan("user", "add", "cy", "--password-stdin", data_dir=node_dir, stdin="short\n", check=False)
    assert short.returncode == 2 and "too short" in short.stderr
    bad_role = aan("user", "add", "dee", "--role", "owner", data_dir=node_dir, check=False)
    assert bad_role.returncode == 2


# --- signing in -------------------------------------------------------------------------------------------


async def test_login_sets_a_protected_session_cookie_and_logout_ends_it(site):
    client = await site.login("amina", "admin")
    cookie = next(c for c in client.cookies.jar if c.name == auth.SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert (await client.get("/admin")).status_code == 200
    response = await post_form(client, "/logout", {})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert (await client.get("/admin")).status_code == 303  # back to the login form


async def test_wrong_password_then_account_lock(site):
    await users.add("amina", PASSWORD, "editor")
    client = site.client()
    token = csrf_of((await client.get("/login")).text)
    for _ in range(auth.LOCK_AFTER):
        r = await client.post("/login", data={"csrf": token, "username": "amina", "password": "wrong password"})
        assert r.status_code == 401 and "Wrong username or password" in r.text
    r = await client.post("/login", data={"csrf": token, "username": "amina", "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed attempts" in r.text and int(r.headers["retry-after"]) > 0
    assert auth.SESSION_COOKIE not in client.cookies
    user = await User.get(username="amina")
    assert user.locked_until is not None


async def test_unknown_users_and_wrong_passwords_look_the_same(site):
    await users.add("amina", PASSWORD)
    client = site.client()
    token = csrf_of((await client.get("/login")).text)
    a = await client.post("/login", data={"csrf": token, "username": "nobody", "password": "whatever it is"})
    b = await client.post("/login", data={"csrf": token, "username": "amina", "password": "whatever it is"})
    assert a.status_code == b.status_code == 401
    assert a.text.replace("nobody", "X") == b.text.replace("amina", "X")


async def test_per_address_limit():
    limiter = auth.LoginLimiter(window=60, limit=3)
    for _ in range(3):
        assert not limiter.blocked("192.0.2.1")
        limiter.failed("192.0.2.1")
    assert limiter.blocked("192.0.2.1") and not limiter.blocked("192.0.2.2")


async def test_log_out_everywhere_invalidates_every_session(site):
    first = await site.login("amina", "editor")
    second = await site.login("amina", create=False)
    response = await post_form(first, "/admin/account", {"action": "logout_all"})
    assert response.status_code == 303
    assert (await second.get("/admin")).status_code == 303  # the other device is signed out too
    assert (await first.get("/admin")).status_code == 303


async def test_a_cookie_copied_before_logout_opens_nothing_afterwards(site):
    """The attacker copied the session cookie (and a CSRF token of its pages); the owner logs out."""
    owner = await site.login("amina", "admin")
    stolen = owner.cookies[auth.SESSION_COOKIE]
    attacker = site.client(cookies={auth.SESSION_COOKIE: stolen})
    attacker.csrf = owner.csrf  # bound to the session id, which the attacker has too
    assert (await attacker.get("/admin/users")).status_code == 200  # the copy works while the session is open
    drafts = await Draft.all().count()

    assert (await post_form(owner, "/logout", {})).status_code == 303
    assert await WebSession.all().count() == 0  # ended on the server, not only in the browser

    for path in ("/admin", "/admin/users", "/admin/account", "/admin/compose"):
        r = await attacker.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    r = await post_form(attacker, "/admin/compose", {"action": "save", "headline": "planted"})
    assert r.status_code == 401
    r = await attacker.post("/admin/compose/autosave", data={"headline": "planted"},
                            headers={"X-CSRF-Token": owner.csrf})
    assert r.status_code == 401
    r = await post_form(attacker, "/admin/users", {"username": "mallory", "role": "admin", "password": ""})
    assert r.status_code == 401
    assert await Draft.all().count() == drafts and not await User.filter(username="mallory").exists()


async def test_sessions_are_listed_and_each_can_be_ended_on_its_own(site):
    me = await site.login("amina", "editor")
    phone = site.client(headers={"User-Agent": "PhoneBrowser/1.0"})
    page = await phone.get("/login")
    await phone.post("/login", data={"csrf": csrf_of(page.text), "username": "amina", "password": PASSWORD})
    phone.csrf = csrf_of((await phone.get("/admin")).text)
    other = await site.login("bo", "editor")

    rows = await WebSession.filter(user__username="amina").order_by("id")
    assert len(rows) == 2
    ids = {site.app.state.webui.signer.unsign(c.cookies[auth.SESSION_COOKIE])["s"] for c in (me, phone)}
    stored = {str(v) for row in await WebSession.all().values() for v in row.values()}
    assert not ids & stored  # the session ids of the cookies are not in the database, only their hashes
    assert {row.key_hash for row in rows} == {hashlib.sha256(i.encode()).hexdigest() for i in ids}
    account = (await me.get("/admin/account")).text
    assert "PhoneBrowser/1.0" in account and "127.0.0.1" in account and "this session" in account
    listed = [int(n) for n in re.findall(r'name="session" value="(\d+)"', account)]
    assert sorted(listed) == [row.id for row in rows]  # bo's session is not listed
    phone_row = next(row for row in rows if row.user_agent == "PhoneBrowser/1.0")

    # another user cannot end amina's sessions, nor is anything changed by a made-up id
    for target in (phone_row.id, "x", "999999", "9" * 20, "-1", ""):
        r = await post_form(other, "/admin/account", {"action": "end_session", "session": target})
        assert r.status_code == 400
    assert await WebSession.all().count() == 3 and (await phone.get("/admin")).status_code == 200

    r = await post_form(me, "/admin/account", {"action": "end_session", "session": phone_row.id})
    assert r.status_code == 303
    assert (await phone.get("/admin")).status_code == 303  # the phone is logged out
    assert (await me.get("/admin")).status_code == 200 and (await other.get("/admin")).status_code == 200
    assert "PhoneBrowser/1.0" not in (await me.get("/admin/account")).text

    mine = (await WebSession.get(user__username="amina")).id
    r = await post_form(me, "/admin/account", {"action": "end_session", "session": mine})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert (await me.get("/admin")).status_code == 303


async def test_signing_in_again_ends_the_browsers_previous_session(sqlite_site):
    client = await sqlite_site.login("amina")
    old_cookie = client.cookies[auth.SESSION_COOKIE]
    r = await client.post("/login", data={"csrf": client.csrf, "username": "amina", "password": PASSWORD})
    assert r.status_code == 303 and client.cookies[auth.SESSION_COOKIE] != old_cookie
    assert await WebSession.all().count() == 1
    replay = sqlite_site.client(cookies={auth.SESSION_COOKIE: old_cookie})
    assert (await replay.get("/admin")).status_code == 303
    assert (await client.get("/admin")).status_code == 200


async def test_an_idle_session_ends_and_last_use_is_recorded(site):
    client = await site.login("amina")
    row = await WebSession.get(user__username="amina")
    first_use = row.last_used_at
    assert (await client.get("/admin")).status_code == 200
    assert (await WebSession.get(id=row.id)).last_used_at == first_use  # not a write per request
    earlier = datetime.now(UTC) - timedelta(hours=2)
    await WebSession.filter(id=row.id).update(last_used_at=earlier)
    assert (await client.get("/admin")).status_code == 200
    assert (await WebSession.get(id=row.id)).last_used_at > earlier  # used again: recorded

    site.node.config.session_idle_hours = 1.0
    await WebSession.filter(id=row.id).update(last_used_at=datetime.now(UTC) - timedelta(minutes=61))
    assert (await client.get("/admin")).status_code == 303
    assert not await WebSession.filter(id=row.id).exists()
    # the default is 12 hours
    site.node.config.session_idle_hours = NodeConfig.session_idle_hours
    client = await site.login("amina", create=False)
    row = await WebSession.get(user__username="amina")
    await WebSession.filter(id=row.id).update(last_used_at=datetime.now(UTC) - timedelta(hours=11))
    assert (await client.get("/admin")).status_code == 200
    await WebSession.filter(id=row.id).update(last_used_at=datetime.now(UTC) - timedelta(hours=12, minutes=1))
    assert (await client.get("/admin")).status_code == 303
    # a session left idle is forgotten (with its address) at the next sign-in of anyone
    await site.login("bo")
    await WebSession.filter(user__username="bo").update(last_used_at=datetime.now(UTC) - timedelta(hours=13))
    await site.login("amina", create=False)
    assert [r.user_id for r in await WebSession.all()] == [(await User.get(username="amina")).id]


@pytest.mark.parametrize("value", [0, -1, "12", True, 24 * 15])
def test_the_idle_timeout_setting_is_checked(tmp_path, value):
    import json

    from node.config import ConfigError

    (tmp_path / "config.json").write_text(json.dumps({"domain": "node.test", "username": "alerts", "name": "Org",
                                                      "session_idle_hours": value}))
    with pytest.raises(ConfigError, match="session_idle_hours"):
        NodeConfig.load(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"domain": "node.test", "username": "alerts", "name": "Org",
                                                      "session_idle_hours": 0.5}))
    assert NodeConfig.load(tmp_path).session_idle_hours == 0.5


async def test_password_change_needs_the_current_one_and_ends_other_sessions(site):
    me = await site.login("amina")
    other = await site.login("amina", create=False)
    wrong = await post_form(me, "/admin/account", {"current": "nope", "new": "a brand new password",
                                                    "new_again": "a brand new password"})
    assert wrong.status_code == 400
    ok = await post_form(me, "/admin/account", {"current": PASSWORD, "new": "a brand new password",
                                                 "new_again": "a brand new password"})
    assert ok.status_code == 303
    assert (await me.get("/admin")).status_code == 200  # this session got a fresh cookie
    assert (await other.get("/admin")).status_code == 303


async def test_tampered_or_foreign_cookies_are_not_sessions(sqlite_site):
    client = await sqlite_site.login("amina", "admin")
    value = client.cookies[auth.SESSION_COOKIE]
    payload, _, mac = value.rpartition(".")
    forged = auth.Signer(b"another node's secret").sign({"u": 1, "e": 0, "s": "x", "t": int(time.time())})
    for bad in (payload + ".AAAA", forged, "garbage"):
        stranger = sqlite_site.client(cookies={auth.SESSION_COOKIE: bad})
        assert (await stranger.get("/admin")).status_code == 303


async def test_https_nodes_mark_cookies_secure(tmp_path):
    from webui_support import Site, open_site

    app, config = await open_site(f"sqlite://{tmp_path / 'secure.sqlite3'}", tmp_path / "secure",
                                  domain="secure.test", insecure=False)
    async with app.router.lifespan_context(app):
        secure = Site(app, config)
        await users.add("amina", PASSWORD)
        client = secure.client(base_url="https://secure.test")
        page = await client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()
        r = await client.post("/login", data={"csrf": csrf_of(page.text), "username": "amina", "password": PASSWORD})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        await secure.close()


# --- CSRF ---------------------------------------------------------------------------------------------------


async def test_forms_without_a_valid_csrf_token_are_refused(site):
    editor = await site.login("amina", "admin")
    before = await Draft.all().count()
    for token in (None, "", "forged-token"):
        data = {"action": "save", "headline": "x"}
        if token is not None:
            data["csrf"] = token
        for url in ("/admin/compose", "/admin/settings", "/admin/users", "/admin/account", "/logout"):
            r = await post_form(editor, url, data, csrf=False)
            assert r.status_code == 403, (url, token)
    for url in ("/admin/compose/autosave", "/admin/preview"):
        r = await editor.post(url, data={"headline": "x"})
        assert r.status_code == 403
        r = await editor.post(url, data={"headline": "x"}, headers={"X-CSRF-Token": "forged"})
        assert r.status_code == 403
    assert await Draft.all().count() == before
    assert (await editor.get("/admin")).status_code == 200  # still signed in: nothing was done
    # the login form too
    anonymous = site.client()
    await anonymous.get("/login")
    r = await anonymous.post("/login", data={"username": "amina", "password": PASSWORD})
    assert r.status_code == 403 and auth.SESSION_COOKIE not in anonymous.cookies


async def test_a_token_from_another_session_does_not_work(sqlite_site):
    first = await sqlite_site.login("amina", "admin")
    second = await sqlite_site.login("bo", "admin")
    r = await post_form(second, "/admin/compose", {"action": "save", "csrf": first.csrf})
    assert r.status_code == 403


# --- roles --------------------------------------------------------------------------------------------------


async def test_editors_cannot_reach_admin_pages(site):
    editor = await site.login("ed", "editor")
    for path in ("/admin/users", "/admin/settings"):
        r = await editor.get(path)
        assert r.status_code == 403 and "Not allowed" in r.text
        r = await post_form(editor, path, {"name": "Taken over", "username": "mallory", "role": "admin"})
        assert r.status_code == 403
    r = await post_form(editor, "/admin/users/1", {"action": "role", "role": "admin"})
    assert r.status_code == 403
    assert (await User.get(username="ed")).role == "editor"
    assert not await User.filter(username="mallory").exists()
    assert site.node.org.name != "Taken over"
    page = (await editor.get("/admin")).text
    assert 'href="/admin/users"' not in page and 'href="/admin/settings"' not in page
    for path in ("/admin", "/admin/compose", "/admin/alerts", "/admin/replies", "/admin/account"):
        assert (await editor.get(path)).status_code == 200, path


async def test_anonymous_visitors_are_sent_to_the_login_form(sqlite_site):
    client = sqlite_site.client()
    for path in ("/admin", "/admin/compose", "/admin/users", "/admin/media/x"):
        r = await client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert (await client.post("/admin/compose", data={"headline": "x"})).status_code == 401


async def test_admins_manage_users(sqlite_site):
    admin = await sqlite_site.login("amina", "admin")
    r = await post_form(admin, "/admin/users", {"username": "bo", "role": "editor", "password": ""})
    assert r.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', r.text).group(1)
    assert users.verify_password(password, (await User.get(username="bo")).password_hash)
    bo = await User.get(username="bo")
    r = await post_form(admin, f"/admin/users/{bo.id}", {"action": "role", "role": "admin"})
    assert r.status_code == 303 and (await User.get(username="bo")).role == "admin"
    me = await User.get(username="amina")
    r = await post_form(admin, f"/admin/users/{me.id}", {"action": "delete"})
    assert r.status_code == 400 and await User.filter(username="amina").exists()
    r = await post_form(admin, f"/admin/users/{bo.id}", {"action": "delete"})
    assert r.status_code == 303 and not await User.filter(username="bo").exists()


async def test_admin_pages_send_protective_headers(sqlite_site):
    admin = await sqlite_site.login("amina", "admin")
    r = await admin.get("/admin/compose")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store" and r.headers["x-frame-options"] == "DENY"
    assert "<script src=\"/static/admin.js" in r.text and "<script>" not in r.text


# --- the demo -------------------------------------------------------------------------------------------


def test_demo_prints_working_admin_credentials(tmp_path):
    (listener,) = listening_sockets(1)  # the demo serves on it: the port is ours until the test ends
    proc = subprocess.Popen([sys.executable, "-m", "node.cli", "demo", "--data-dir", str(tmp_path / "demo"),
                             "--port", str(port_of(listener)), "--fd", str(listener.fileno())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            pass_fds=[listener.fileno()])
    try:
        lines = []
        for line in proc.stdout:  # ends when the demo exits (then the assertion below shows its output)
            lines.append(line)
            if "web interface:" in line:
                break
        match = re.search(r"web interface: (\S+)/login  user: (\S+)  password: (\S+)", "".join(lines))
        assert match, "".join(lines)
        base, user, password = match.groups()
        with httpx.Client(base_url=base, timeout=30) as client:
            # the socket listens already; the request waits in its backlog until the app serves it
            page = wait_until(lambda: _get_or_none(client, "/login"), message="the demo to serve /login")
            r = client.post("/login", data={"csrf": csrf_of(page.text), "username": user, "password": password})
            assert r.status_code == 303
            assert client.get("/admin").status_code == 200
            assert "Journalist detained" in client.get("/admin/alerts").text
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        listener.close()


def _get_or_none(client, path: str):
    try:
        return client.get(path)
    except httpx.HTTPError:
        return None
