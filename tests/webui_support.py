"""Helpers for the web interface tests: an in-process node, signed-in clients, forms, images."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from conftest import make_node_config

from node.app import create_app
from node.services import users

BASE = "http://node.test"
PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Site:
    """An app with its lifespan running, and helpers to make signed-in clients."""

    def __init__(self, app, config):
        self.app = app
        self.config = config
        self.clients: list[httpx.AsyncClient] = []

    @property
    def node(self):
        return self.app.state.node

    def client(self, base_url: str = BASE, **kw) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=base_url, **kw)
        self.clients.append(client)
        return client

    async def login(self, username: str = "editor", role: str = "editor", *, create: bool = True) -> httpx.AsyncClient:
        if create:
            await users.add(username, PASSWORD, role)
        client = self.client()
        page = await client.get("/login")
        response = await client.post("/login", data={"csrf": csrf_of(page.text), "username": username,
                                                     "password": PASSWORD, "next": "/admin"})
        assert response.status_code == 303, response.text
        client.csrf = csrf_of((await client.get("/admin")).text)
        return client

    async def close(self):
        for client in self.clients:
            await client.aclose()


async def open_site(db_url, tmp_path, *, http: httpx.AsyncClient | None = None, domain: str = "node.test",
                    insecure: bool = True):
    config = await make_node_config(db_url, tmp_path, domain=domain, insecure=insecure)
    app = create_app(config, run_workers=False, http=http)
    return app, config


@pytest.fixture
async def site(db_url, tmp_path):
    app, config = await open_site(db_url, tmp_path)
    async with app.router.lifespan_context(app):
        s = Site(app, config)
        yield s
        await s.close()


@pytest.fixture
async def sqlite_site(tmp_path):
    app, config = await open_site(f"sqlite://{tmp_path / 'db.sqlite3'}", tmp_path)
    async with app.router.lifespan_context(app):
        s = Site(app, config)
        yield s
        await s.close()


def alert_form(**overrides) -> dict:
    """A complete composer form for a valid alert (field names as the composer posts them)."""
    form = {
        "type": "alert", "language": "en", "headline": "Reporter detained in Istanbul",
        "summary": "Police detained a reporter after she covered a protest.",
        "body": "Police in **Istanbul** detained reporter Jane Doe.", "content_warning": "",
        "country": "TR", "incident_date": "2026-11-20", "incident_date_precision": "",
        "categories": "detention", "act_types": "arrested_detained",
        "target-0-name": "Jane Doe", "target-0-kind": "individual", "target-0-profession": "journalist",
        "target-0-aliases": "", "perpetrator_type": "security_forces",
        "asks": "Release Jane Doe immediately", "deadline": "", "case": "", "follows": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def png_bytes(width: int = 40, height: int = 30, *, with_gps: bool = False, fmt: str = "PNG") -> bytes:
    from PIL import Image

    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam Inc"  # Make
        exif[0x8825] = {1: "N", 2: (41.0, 0.0, 0.0), 3: "E", 4: (28.0, 58.0, 0.0)}  # GPS
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


async def post_form(client, url: str, data: dict, files: dict | None = None, *, csrf: bool = True):
    data = dict(data)
    if csrf:
        data.setdefault("csrf", client.csrf)
    return await client.post(url, data=data, files=files or {"new_image": ("", b"", "application/octet-stream")})
