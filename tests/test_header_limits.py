"""Limits before parsing (issue 8, section 7): a header field over 8 KB, or header fields over
32 KB in all, get 431 before any route reads them (a 256 KB ``Signature`` included); a request
head that keeps growing is cut off by the server at 48 KB while it is still arriving. Over a real
socket against ``aan serve`` (uvicorn with httptools, which on its own enforces no limit)."""

from __future__ import annotations

import http.client
import socket

import httpx
import pytest

from node.limits import MAX_FIELD, MAX_FIELDS, MAX_HEAD, HeaderLimits

ACTOR = "http://127.0.0.1:9/users/mallory"


def follow(pad_bytes: int = 0) -> bytes:
    return (b'{"id": "' + ACTOR.encode() + b'/f/1", "type": "Follow", "actor": "' + ACTOR.encode() +
            b'", "object": "http://127.0.0.1/actors/alerts", "pad": "' + b"a" * pad_bytes + b'"}')


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    from conftest import NodeProcess

    process = NodeProcess(tmp_path_factory.mktemp("limits"), "org").init().start()
    yield process
    process.stop()


def pad(name: str, field_size: int) -> tuple[str, str]:
    """A header whose name and value together are ``field_size`` bytes."""
    return name, "a" * (field_size - len(name))


def get(node, headers: list[tuple[str, str]], path: str = "/healthz") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
    try:
        connection.putrequest("GET", path)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_one_header_field_over_8_kb_is_refused(node):
    assert get(node, [pad("x-pad", MAX_FIELD)]) == 200
    assert get(node, [pad("x-pad", MAX_FIELD + 1)]) == 431


def test_header_fields_over_32_kb_in_all_are_refused(node):
    fields = [pad(f"x-pad-{i}", 7000) for i in range(4)]  # 28,000 bytes, with Host and the rest under 32 KB
    assert get(node, fields) == 200
    fields.append(pad("x-pad-4", MAX_FIELDS - 28000))
    assert get(node, fields) == 431


def test_a_256_kb_signature_is_refused_before_it_is_parsed(node):
    body = follow()
    headers = {"Content-Type": "application/activity+json", "Date": "Sun, 06 Dec 2026 00:00:00 GMT",
               "Signature": 'keyId="http://127.0.0.1:9/k",headers="(request-target) host date digest",'
                            'signature="' + "A" * (256 * 1024) + '"'}
    response = httpx.post(f"{node.base}/inbox", content=body, headers=headers, timeout=30)
    assert response.status_code == 431
    assert response.text == "request header fields too large"
    # without the oversized header the same request reaches the signature check (401)
    headers["Signature"] = 'keyId="http://127.0.0.1:9/k",signature="AAAA"'
    assert httpx.post(f"{node.base}/inbox", content=body, headers=headers).status_code == 401


def test_a_head_that_never_ends_is_cut_off_while_it_arrives(node):
    with socket.create_connection(("127.0.0.1", node.port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        sent = 0
        try:
            while sent < 4 * MAX_HEAD:  # no end of line, no end of head: the app would never see it
                sock.sendall(b"a" * 4096)
                sent += 4096
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]


def test_bodies_keep_alive_and_pipelining_are_not_counted_as_head(node):
    # a large body right behind a small head, in the same packets
    body = follow(4 * MAX_HEAD)
    response = httpx.post(f"{node.base}/inbox", content=body, headers={"Content-Type": "application/activity+json"})
    assert response.status_code == 401  # unsigned, but read
    # several requests on one connection, each with a head under the limits, 3 x 30 KB in all
    fields = [pad(f"x-pad-{i}", 7500) for i in range(4)]
    connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
    try:
        for _ in range(3):
            connection.putrequest("GET", "/healthz")
            for name, value in fields:
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            response.read()
            assert response.status == 200
    finally:
        connection.close()
    # two such requests pipelined in one write (60 KB: more than one head may hold)
    head = "GET /healthz HTTP/1.1\r\nHost: x\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields) + "\r\n"
    with socket.create_connection(("127.0.0.1", node.port), timeout=30) as sock:
        sock.sendall(head.encode() * 2)
        answer = b""
        while answer.count(b"HTTP/1.1 200 ") < 2:
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
    assert b" 431 " not in answer


async def test_the_middleware_alone_limits_any_asgi_server():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    transport = httpx.ASGITransport(app=HeaderLimits(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://node.test") as client:
        assert (await client.get("/", headers=[pad("x-pad", MAX_FIELD)])).status_code == 200
        assert (await client.get("/", headers=[pad("x-pad", MAX_FIELD + 1)])).status_code == 431
        many = [pad(f"x-pad-{i}", MAX_FIELD) for i in range(4)]
        assert (await client.get("/", headers=many)).status_code == 431  # 32 KB plus Host and the rest
