"""HTTP signatures: our signer against independent verifiers, foreign signers against our verifier."""

from __future__ import annotations

import base64
import os
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpsig
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from node.activitypub.keys import (
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_to_pem,
    public_key_pem,
)
from node.activitypub.signatures import (
    SignatureError,
    body_digest,
    content_digest,
    parse_request,
    sign_headers,
)

KEY_ID = "https://our.example/actors/alerts#main-key"
INBOX = "https://them.example/inbox"
BODY = b'{"type": "Create", "object": {"type": "Note", "content": "journalist detained"}}'


@pytest.fixture(scope="module")
def key():
    return generate_private_key()


@pytest.fixture(scope="module")
def other_key():
    return generate_private_key()


def now_date(delta: timedelta = timedelta()) -> str:
    return format_datetime(datetime.now(UTC) + delta, usegmt=True)


def rsa_b64(private_key, signing_string: str) -> str:
    raw = private_key.sign(signing_string.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def hand_signed(
    private_key,
    headers: dict,
    covered: list[str],
    target: str,
    *,
    key_id=KEY_ID,
    algorithm: str | None = "rsa-sha256",
    extra: str = "",
) -> dict:
    """Build a cavage Signature header by hand; ``target`` is "post /path?query"."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = [
        f"(request-target): {target}" if name == "(request-target)" else f"{name}: {lower[name]}"
        for name in covered
    ]
    alg = f'algorithm="{algorithm}",' if algorithm else ""
    signature = rsa_b64(private_key, "\n".join(lines))
    value = f'keyId="{key_id}",{alg}{extra}headers="{" ".join(covered)}",signature="{signature}"'
    return {**headers, "Signature": value}


def post_headers(body: bytes = BODY, host: str = "them.example") -> dict:
    return {
        "Host": host,
        "Date": now_date(),
        "Digest": body_digest(body),
        "Content-Type": "application/activity+json",
    }


def reason_of(method, url, headers, body) -> str:
    with pytest.raises(SignatureError) as info:
        parse_request(method, url, headers, body)
    return info.value.reason


# --- keys ------------------------------------------------------------------------------


def test_key_pem_round_trip_and_caches(key):
    pem = private_key_to_pem(key)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert load_private_key(pem) is load_private_key(pem)
    assert load_private_key(pem).private_numbers() == key.private_numbers()
    public = public_key_pem(key)
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
    assert load_public_key(public) is load_public_key(public)
    assert load_public_key(public).public_numbers() == key.public_key().public_numbers()


def test_load_public_key_rejects_garbage_and_non_rsa():
    with pytest.raises(ValueError, match="malformed"):
        load_public_key("not a key")
    with pytest.raises(ValueError, match="malformed"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(ValueError, match="RSA"):
        load_public_key(ec_pem)


# --- our signatures under an independent verifier (httpsig) -----------------------------


def test_our_post_verifies_under_httpsig(key):
    url = "https://them.example:8443/users/x/inbox?via=relay"
    headers = sign_headers("POST", url, key_id=KEY_ID, private_key=key, body=BODY)
    assert headers["Host"] == "them.example:8443"
    assert headers["Digest"] == body_digest(BODY)
    assert headers["Signature"].startswith(f'keyId="{KEY_ID}",algorithm="rsa-sha256",')
    verifier = httpsig.HeaderVerifier(
        headers=headers,
        secret=public_key_pem(key),
        method="POST",
        path="/users/x/inbox?via=relay",
        required_headers=["(request-target)", "host", "date", "digest", "content-type"],
        sign_header="signature",
    )
    assert verifier.verify() is True


def test_our_get_verifies_under_httpsig(key):
    url = "https://them.example:443/users/x?page=true"
    headers = sign_headers("GET", url, key_id=KEY_ID, private_key=private_key_to_pem(key))
    assert headers["Host"] == "them.example"
    assert "Digest" not in headers and headers["Accept"].startswith("application/activity+json")
    verifier = httpsig.HeaderVerifier(
        headers=headers,
        secret=public_key_pem(key),
        method="GET",
        path="/users/x?page=true",
        required_headers=["(request-target)", "host", "date", "accept"],
        sign_header="signature",
    )
    assert verifier.verify() is True


def test_our_signatures_verify_under_our_verifier(key):
    for method, body in (("POST", BODY), ("GET", None)):
        url = "https://them.example/inbox?x=1"
        headers = sign_headers(method, url, key_id=KEY_ID, private_key=key, body=body)
        signed = parse_request(method, url, headers, body)
        assert (signed.key_id, signed.scheme) == (KEY_ID, "cavage")
        assert signed.verify(key.public_key()) is True
        assert signed.verify(public_key_pem(key)) is True


# --- foreign signers under our verifier -------------------------------------------------


def test_httpsig_rsa_sha256_post_verifies(key):
    signer = httpsig.HeaderSigner(
        KEY_ID,
        private_key_to_pem(key),
        algorithm="rsa-sha256",
        headers=["(request-target)", "host", "date", "digest"],
        sign_header="signature",
    )
    headers = dict(signer.sign(post_headers(), method="POST", path="/inbox"))
    signed = parse_request("POST", INBOX, headers, BODY)
    assert signed.verify(key.public_key())


def test_gotosocial_hs2019_post_verifies(key):
    # httpsig cannot emit hs2019, so this is GoToSocial's documented shape, built by hand.
    headers = hand_signed(
        key, post_headers(), ["(request-target)", "host", "date", "digest"], "post /inbox", algorithm="hs2019"
    )
    assert 'algorithm="hs2019"' in headers["Signature"]
    assert parse_request("POST", INBOX, headers, BODY).verify(key.public_key())


def test_hs2019_created_and_expires(key):
    created = int(time.time())
    headers = {"Host": "them.example", "Digest": body_digest(BODY)}
    lines = [
        "(request-target): post /inbox",
        f"(created): {created}",
        f"(expires): {created + 300}",
        "host: them.example",
        f"digest: {body_digest(BODY)}",
    ]
    headers["Signature"] = (
        f'keyId="{KEY_ID}",algorithm="hs2019",created={created},expires={created + 300},'
        f'headers="(request-target) (created) (expires) host digest",'
        f'signature="{rsa_b64(key, chr(10).join(lines))}"'
    )
    assert parse_request("POST", INBOX, headers, BODY).verify(key.public_key())
    with pytest.raises(SignatureError, match="expired"):
        parse_request("POST", INBOX, headers, BODY, now=created + 301)
    bad = {**headers, "Signature": headers["Signature"].replace("hs2019", "rsa-sha256")}
    with pytest.raises(SignatureError) as info:
        parse_request("POST", INBOX, bad, BODY)
    assert info.value.public == "(created) and (expires) not allowed with this algorithm"
    assert info.value.detail.endswith("rsa-sha256")  # what the request said: for the log only


def test_mastodon_shaped_post_verifies(key):
    url = "https://our.example/actors/alerts/inbox?foo=bar"
    headers = hand_signed(
        key,
        post_headers(host="our.example"),
        ["host", "date", "digest", "content-type", "(request-target)"],
        "post /actors/alerts/inbox?foo=bar",
        key_id="https://m.example/users/bob#main-key",
    )
    signed = parse_request("POST", url, headers, BODY)
    assert signed.key_id == "https://m.example/users/bob#main-key"
    assert signed.verify(key.public_key())


def test_misskey_shaped_post_signing_path_only_verifies(key):
    url = "https://our.example/inbox?foo=bar"
    headers = hand_signed(
        key,
        post_headers(host="our.example"),
        ["(request-target)", "date", "host", "digest"],
        "post /inbox",
        key_id="https://mk.example/users/9abc",
    )
    assert parse_request("POST", url, headers, BODY).verify(key.public_key())


def test_headers_as_pairs_with_repeated_names(key):
    headers = sign_headers("GET", INBOX, key_id=KEY_ID, private_key=key)
    pairs = [(name.lower(), value) for name, value in headers.items()] + [("Accept", "text/html")]
    signed = parse_request("GET", INBOX, pairs, None)  # accept is now "<ours>, text/html"
    assert signed.verify(key.public_key()) is False
    assert parse_request("GET", INBOX, pairs[:-1], None).verify(key.public_key()) is True


def test_digest_variants_accepted(key):
    digest = body_digest(BODY).replace("SHA-256", "sha-256") + ", SHA-512=ignored"
    headers = {**post_headers(), "Digest": digest, "Content-Digest": content_digest(BODY)}
    headers = hand_signed(key, headers, ["(request-target)", "host", "date", "digest"], "post /inbox")
    assert parse_request("POST", INBOX, headers, BODY).verify(key.public_key())


# --- RFC 9421 --------------------------------------------------------------------------


class Message:
    def __init__(self, method: str, url: str, headers: dict):
        self.method, self.url, self.headers = method, url, headers


def rfc9421_sign(key, method, url, headers, body, components) -> dict:
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: key}),
    )
    message = Message(method, url, dict(headers))
    signer.sign(message, key_id=KEY_ID, covered_component_ids=components, body=body)
    return message.headers


def test_rfc9421_post_verifies(key, other_key):
    url = "https://our.example/inbox?x=1"
    headers = rfc9421_sign(
        key,
        "POST",
        url,
        {"Content-Type": "application/activity+json"},
        BODY,
        ("@method", "@target-uri", "content-digest"),
    )
    assert headers["Content-Digest"] == content_digest(BODY)
    signed = parse_request("POST", url, headers, BODY)
    assert (signed.key_id, signed.scheme) == (KEY_ID, "rfc9421")
    assert signed.verify(key.public_key())
    assert not signed.verify(other_key.public_key())
    assert reason_of("POST", url, headers, BODY + b" ") == "Content-Digest does not match body"


def test_rfc9421_get_verifies(key):
    url = "https://our.example/actors/alerts"
    headers = rfc9421_sign(
        key, "GET", url, {"Accept": "application/activity+json"}, None, ("@method", "@target-uri", "accept")
    )
    assert parse_request("GET", url, headers, None).verify(key.public_key())


def test_rfc9421_authority_with_path_stands_for_target_uri(key):
    url = "https://our.example/inbox"
    headers = rfc9421_sign(key, "POST", url, {}, BODY, ("@method", "@authority", "@path", "content-digest"))
    assert parse_request("POST", url, headers, BODY).verify(key.public_key())
    headers = rfc9421_sign(key, "POST", url, {}, BODY, ("@method", "@path", "content-digest"))
    assert reason_of("POST", url, headers, BODY) == "neither @target-uri nor @authority with @path signed"


def test_rfc9421_stale_created_rejected(key):
    url = "https://our.example/inbox"
    headers = rfc9421_sign(key, "POST", url, {}, BODY, ("@method", "@target-uri", "content-digest"))
    with pytest.raises(SignatureError, match="created outside the acceptable window"):
        parse_request("POST", url, headers, BODY, now=time.time() + 7200)


# --- rejections ------------------------------------------------------------------------


def test_tampered_body_rejected(key):
    headers = sign_headers("POST", INBOX, key_id=KEY_ID, private_key=key, body=BODY)
    assert (
        reason_of("POST", INBOX, headers, BODY.replace(b"detained", b"released"))
        == "Digest does not match body"
    )


@pytest.mark.parametrize("hours", [-2, 2])
def test_date_outside_window_rejected(key, hours):
    when = datetime.now(UTC) + timedelta(hours=hours)
    headers = sign_headers("POST", INBOX, key_id=KEY_ID, private_key=key, body=BODY, now=when)
    assert reason_of("POST", INBOX, headers, BODY) == "Date outside the acceptable window"


def test_window_edges(key):
    headers = sign_headers("GET", INBOX, key_id=KEY_ID, private_key=key)
    signed_at = datetime.now(UTC).replace(microsecond=0).timestamp()
    assert parse_request("GET", INBOX, headers, None, now=signed_at + 3899)
    assert parse_request("GET", INBOX, headers, None, now=signed_at - 3599)
    with pytest.raises(SignatureError):
        parse_request("GET", INBOX, headers, None, now=signed_at + 3960)


def test_post_without_digest_rejected(key):
    headers = post_headers()
    del headers["Digest"]
    headers = hand_signed(key, headers, ["(request-target)", "host", "date"], "post /inbox")
    assert reason_of("POST", INBOX, headers, BODY) == "Digest header missing"


def test_digest_present_but_not_signed_rejected(key):
    headers = hand_signed(
        key, post_headers(), ["(request-target)", "host", "date", "content-type"], "post /inbox"
    )
    assert reason_of("POST", INBOX, headers, BODY) == "digest header not signed"


def test_content_digest_mismatch_rejected(key):
    headers = {**post_headers(), "Content-Digest": content_digest(b"other")}
    headers = hand_signed(key, headers, ["(request-target)", "host", "date", "digest"], "post /inbox")
    assert reason_of("POST", INBOX, headers, BODY) == "Content-Digest does not match body"


def test_unsupported_algorithm_rejected(key):
    headers = hand_signed(
        key,
        post_headers(),
        ["(request-target)", "host", "date", "digest"],
        "post /inbox",
        algorithm="rsa-sha512",
    )
    assert reason_of("POST", INBOX, headers, BODY) == "unsupported algorithm"


def test_garbage_signature_bytes_do_not_verify(key):
    headers = sign_headers("POST", INBOX, key_id=KEY_ID, private_key=key, body=BODY)
    original = headers["Signature"].rsplit('signature="', 1)[1].rstrip('"')
    headers["Signature"] = headers["Signature"].replace(original, base64.b64encode(os.urandom(256)).decode())
    assert parse_request("POST", INBOX, headers, BODY).verify(key.public_key()) is False


def test_wrong_key_does_not_verify(key, other_key):
    headers = sign_headers("POST", INBOX, key_id=KEY_ID, private_key=key, body=BODY)
    signed = parse_request("POST", INBOX, headers, BODY)
    assert signed.verify(other_key.public_key()) is False
    assert signed.verify(ec.generate_private_key(ec.SECP256R1()).public_key()) is False
    assert signed.verify("not a pem") is False


def test_duplicate_key_id_rejected(key):
    headers = sign_headers("POST", INBOX, key_id=KEY_ID, private_key=key, body=BODY)
    headers["Signature"] = 'keyId="https://evil.example/actor#key",' + headers["Signature"]
    assert reason_of("POST", INBOX, headers, BODY) == "duplicate Signature parameter"


def test_missing_signature_header_rejected():
    assert reason_of("POST", INBOX, post_headers(), BODY) == "no Signature header"


def test_get_without_host_signed_rejected(key):
    headers = {"Host": "them.example", "Date": now_date(), "Accept": "application/activity+json"}
    headers = hand_signed(key, headers, ["(request-target)", "date", "accept"], "get /inbox")
    assert reason_of("GET", INBOX, headers, None) == "host header not signed on GET"


def test_default_hs2019_coverage_is_too_weak(key):
    created = int(time.time())
    headers = {**post_headers(), "Signature": f'keyId="{KEY_ID}",created={created},signature="AAAA"'}
    assert reason_of("POST", INBOX, headers, BODY) == "neither (request-target) nor digest signed"


@pytest.mark.parametrize(
    "value",
    ['keyId="a",signature="AAAA",', "keyId=", 'keyId="a" signature="b"', 'keyId="unterminated'],
)
def test_malformed_signature_header_rejected(value):
    assert (
        reason_of("POST", INBOX, {**post_headers(), "Signature": value}, BODY) == "malformed Signature header"
    )
