"""No internal address is reachable, also when a name changes its answer (DNS rebinding).

The attacker's name answers a public address to the first lookup and an
internal one (127.0.0.1, 10.x) to every later lookup. The event loop's
``getaddrinfo`` is replaced by that fake (tests/fake_dns.py), so every lookup in
the process goes through it: a guard that resolved the name to check it and a
client that resolved it again to connect would reach the internal listener. The
node's clients resolve once, inside the client, and connect only to an address
that passed: the listener on 127.0.0.1 never sees a connection.

For each HTTP client of the node: httpx (signed fetches, WebFinger, remote
follow, key refresh: ``Node.http``) and aiohttp (deliveries: ``Deliverer``).
The public address is one that cannot be served here (a remote host); whether
connecting to it fails or not does not matter, only where connections go.
"""

from __future__ import annotations

import asyncio
import socket
from types import SimpleNamespace

import httpx
import pytest
from fake_dns import FakeDNS, gai_error

from node import errors
from node.activitypub import netguard, retry
from node.activitypub.delivery import Deliverer
from node.activitypub.fetch import Fetcher, FetchError, RefusedAddress
from node.activitypub.keys import generate_private_key
from node.activitypub.signatures import body_digest

PUBLIC = "2606:4700:4700::1111"  # a global address (a remote host; nothing of ours listens there)


class Listener:
    """A TCP server on 127.0.0.1 that counts connections and answers any HTTP request."""

    def __init__(self):
        self.connections = 0

    async def __aenter__(self) -> Listener:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def fake_node(*, insecure: bool) -> SimpleNamespace:
    """What ``Deliverer.send`` reads of a node, with the activity body already cached."""
    key = generate_private_key()
    return SimpleNamespace(insecure=insecure, blocks=None, keys={"alerts": key},
                           key_id=lambda username: "https://node.example/actors/alerts#main-key",
                           urls=SimpleNamespace(base="https://node.example"))


async def deliver(node, url: str) -> tuple:
    async with Deliverer(node) as deliverer:
        body = b'{"id": "https://node.example/activities/a1", "type": "Create"}'
        deliverer._bodies["a1"] = (body, "alerts", body_digest(body))
        return await deliverer.send({"inbox": url, "host": "rebind.test", "activity_id": "a1"})


# --- httpx: signed fetches, WebFinger, remote follow, key refresh ------------------------------


async def test_httpx_client_never_connects_to_the_rebound_address(monkeypatch):
    for internal in ("127.0.0.1", "10.1.2.3"):
        async with Listener() as listener:
            dns = FakeDNS({"rebind.test": [PUBLIC, internal]}).install(monkeypatch)
            async with netguard.http_client(insecure=False) as client:
                url = f"https://rebind.test:{listener.port}/users/mallory"
                with pytest.raises((httpx.HTTPError, errors.RemoteFailure)) as first:
                    await client.get(url, timeout=3)
                assert not isinstance(first.value, errors.RefusedAddress), "the first answer is public"
                with pytest.raises(errors.RefusedAddress):
                    await client.get(url, timeout=3)
            assert listener.connections == 0
            assert dns.lookups["rebind.test"] == 2, "one lookup per connection: check and connection share it"


async def test_signed_fetch_refuses_the_rebound_address(monkeypatch):
    async with Listener() as listener:
        dns = FakeDNS({"rebind.test": [PUBLIC, "127.0.0.1"]}).install(monkeypatch)
        async with netguard.http_client(insecure=False) as client:
            fetcher = Fetcher(client, key_id="https://node.example/actor#main-key",
                              private_key=generate_private_key(), insecure=False)
            url = f"https://rebind.test:{listener.port}/users/mallory"
            with pytest.raises(FetchError) as first:
                await fetcher.get(url)
            assert not first.value.permanent, "a connection error is retried"
            with pytest.raises(RefusedAddress) as second:
                await fetcher.get(url)
            assert second.value.permanent and isinstance(second.value, errors.RefusedAddress)
        assert listener.connections == 0
        assert dns.lookups["rebind.test"] == 2


async def test_development_mode_reaches_loopback_but_never_link_local(monkeypatch):
    async with Listener() as listener:
        FakeDNS({"dev.test": ["127.0.0.1"], "metadata.test": ["169.254.169.254"]}).install(monkeypatch)
        async with netguard.http_client(insecure=True) as client:
            response = await client.get(f"http://dev.test:{listener.port}/", timeout=3)
            assert response.status_code == 202 and listener.connections == 1
            with pytest.raises(errors.RefusedAddress):
                await client.get(f"http://metadata.test:{listener.port}/", timeout=3)
        assert listener.connections == 1


# --- aiohttp: deliveries -------------------------------------------------------------------------


async def test_delivery_never_connects_to_the_rebound_address(monkeypatch):
    for internal in ("127.0.0.1", "10.1.2.3"):
        async with Listener() as listener:
            dns = FakeDNS({"rebind.test": [PUBLIC, internal]}).install(monkeypatch)
            node = fake_node(insecure=False)
            url = f"https://rebind.test:{listener.port}/inbox"
            status, error, permanent, _ = await deliver(node, url)  # the public answer: a network error
            assert status is None and not permanent
            status, error, permanent, _ = await deliver(node, url)  # a new session looks the name up again
            assert status is None and permanent and "refusing" in error
            assert listener.connections == 0
            assert dns.lookups["rebind.test"] == 2


async def test_delivery_in_development_mode_reaches_loopback_but_never_link_local(monkeypatch):
    async with Listener() as listener:
        FakeDNS({"dev.test": ["127.0.0.1"], "metadata.test": ["fe80::1"]}).install(monkeypatch)
        node = fake_node(insecure=True)
        assert (await deliver(node, f"http://dev.test:{listener.port}/inbox"))[0] == 202
        status, _, permanent, _ = await deliver(node, f"http://metadata.test:{listener.port}/inbox")
        assert status is None and permanent
        assert listener.connections == 1


async def test_an_ip_literal_is_refused_before_any_connection():
    async with Listener() as listener:
        status, error, permanent, _ = await deliver(fake_node(insecure=False),
                                                    f"https://127.0.0.1:{listener.port}/inbox")
        assert status is None and permanent and "refusing" in error
        assert listener.connections == 0


# --- resolver failures: decided by their code, never their text ------------------------------------


@pytest.mark.parametrize("code, permanent", [(socket.EAI_AGAIN, False), (socket.EAI_NONAME, True)])
async def test_a_temporary_resolver_failure_is_retried_an_unknown_name_is_not(code, permanent):
    dns = FakeDNS({"flaky.test": [gai_error(code)]})
    node = fake_node(insecure=True)
    async with Deliverer(node, resolve=dns) as deliverer:
        deliverer._bodies["a1"] = (b"{}", "alerts", body_digest(b"{}"))
        status, error, is_permanent, _ = await deliverer.send(
            {"inbox": "http://flaky.test/inbox", "host": "flaky.test", "activity_id": "a1"})
    assert status is None and is_permanent is permanent
    assert retry.decide(status, 1, error=error, permanent_error=is_permanent).action == \
        ("fail" if permanent else "retry")
    with pytest.raises(netguard.UnknownHost if permanent else netguard.ResolveFailed) as raised:
        await netguard.resolve_checked("flaky.test", 443, insecure=False, resolve=dns)
    assert raised.value.permanent is permanent


@pytest.mark.parametrize("ip, production, development", [
    ("93.184.215.14", True, True), ("127.0.0.1", False, True), ("10.1.2.3", False, True),
    ("192.168.1.2", False, True), ("fd00::1", False, True), ("::ffff:127.0.0.1", False, True),
    ("169.254.169.254", False, False), ("fe80::1", False, False), ("224.0.0.1", False, False),
    ("0.0.0.0", False, False), ("100.64.0.1", False, False),
])
def test_which_addresses_pass(ip, production, development):
    assert netguard.allowed(ip, insecure=False) is production
    assert netguard.allowed(ip, insecure=True) is development


async def test_a_resolver_timeout_is_retried():
    slow = FakeDNS({"slow.test": [TimeoutError()]})
    with pytest.raises(netguard.ResolveFailed) as raised:
        await netguard.resolve_checked("slow.test", 443, insecure=False, resolve=slow)
    assert not raised.value.permanent
