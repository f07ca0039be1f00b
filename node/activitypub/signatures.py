"""HTTP signatures for ActivityPub: signing outgoing requests, checking incoming ones.

Outgoing requests use draft-cavage-http-signatures-12 exactly as Mastodon sends
it, since that is what every fediverse server accepts::

    Signature: keyId="https://us.example/actor#main-key",algorithm="rsa-sha256",
               headers="(request-target) host date digest content-type",signature="..."

POSTs sign ``(request-target) host date digest content-type`` (with a SHA-256
``Digest`` of the body); GETs sign ``(request-target) host date accept``.
``(request-target)`` is the lower-case method, a space, the path and query.

Incoming requests are checked in two steps so the caller can fetch the key in
between, asynchronously: ``parse_request()`` does every structural check and
raises ``SignatureError`` with a short ``reason``; ``SignedRequest.verify(key)``
only does the RSA check and returns a bool.

Accepted cavage signatures (mirroring Mastodon's ``SignedRequest``, so anything
Mastodon takes, we take):

* ``algorithm`` ``rsa-sha256`` or ``hs2019``, both meaning RSASSA-PKCS1-v1_5 with
  SHA-256 (hs2019 "derives the algorithm from the key"; in practice it is always
  RSA). A missing ``algorithm`` means hs2019, for which a missing ``headers``
  means ``(created)``; for rsa-sha256 it means ``date`` (the draft's default).
* ``(created)`` and ``(expires)`` pseudo-headers, with hs2019 only (the draft
  forbids them for rsa-* algorithms).
* Repeated parameters are rejected: with "last one wins" a proxy and this code
  could disagree about which keyId was meant.
* Coverage: ``date`` or ``(created)``; ``(request-target)`` or ``digest``;
  ``host`` on GET; ``(request-target)``, ``host``, ``date`` (or hs2019's
  ``(created)``) and ``digest`` on POST. The Digest header must match the raw body
  (SHA-256 is the only algorithm checked; names are case-insensitive, several
  comma-separated digests may be offered). A ``Content-Digest`` (RFC 9530), if
  sent, must match as well.
* Clock window: the signed time (the Date header if ``date`` is covered, the
  ``created`` parameter if ``(created)`` is) may be at most 3900 s old
  (Mastodon's 5-minute validity plus its 1-hour skew margin) and 3600 s in the
  future; an ``expires`` parameter, if present, must not have passed. Times that
  are not covered by the signature are ignored, since anyone could rewrite them.
* The signing string uses the received header values as-is, in the listed order.
  ``verify()`` first tries ``(request-target)`` with the query string, then the
  path alone, because older Mastodon, Misskey and Fedify sign only the path.

RFC 9421 signatures (detected by a ``Signature-Input`` header, as sent by Fedify
and newer servers) must carry exactly one signature, the ``created`` and
``keyid`` parameters, cover ``@method`` and ``@target-uri`` (or ``@authority``
with ``@path``) and, on POST, a matching ``content-digest``; the same clock
window applies to ``created``. The only algorithm is ``rsa-v1_5-sha256`` (an absent ``alg`` means the same).
Component values are resolved by the ``http-message-signatures`` package; the
signature base itself is assembled here (RFC 9421 section 2.5) so that the
crypto can run later, against whichever key the caller looked up.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from node.activitypub.keys import load_private_key, load_public_key
from node.errors import Unauthenticated

ACTIVITY_JSON = "application/activity+json"
DEFAULT_ACCEPT = (
    'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
)

MAX_AGE = 3900  # seconds a signature may be old: Mastodon's 5 min validity + 1 h clock skew
MAX_FUTURE = 3600  # seconds a signature may come from the future
CAVAGE_ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
RFC9421_ALGORITHM = "rsa-v1_5-sha256"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PSEUDO_HEADERS = ("(created)", "(expires)")
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM_RE = re.compile(rf'\s*({_TOKEN})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TOKEN}))\s*(,|\Z)')
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


class SignatureError(Unauthenticated):
    """A request's signature is missing, malformed or unacceptable.

    ``reason`` is a fixed text, written where the error is raised and never built from the
    request: it is what the sender is told. ``detail`` (optional) quotes what the request
    held, for the log only. ``str()`` and :attr:`detail` give both, for the log.
    """

    public = "invalid signature"

    def __init__(self, reason: str, *, detail: str | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason, public=reason)
        self.reason = reason


# --- digests ---------------------------------------------------------------------------


def _sha256(body: bytes | None) -> bytes:
    return hashlib.sha256(body or b"").digest()


def body_digest(body: bytes) -> str:
    """The draft-era ``Digest`` header value: ``SHA-256=<base64>``."""
    return "SHA-256=" + base64.b64encode(_sha256(body)).decode("ascii")


def content_digest(body: bytes) -> str:
    """The RFC 9530 ``Content-Digest`` header value: ``sha-256=:<base64>:``."""
    return "sha-256=:" + base64.b64encode(_sha256(body)).decode("ascii") + ":"


# --- signing ---------------------------------------------------------------------------


_DATE_NOW: list = [0, ""]  # (whole second, its IMF-fixdate): the current Date of every request signed in it


def http_date(now: datetime | None = None) -> str:
    """An RFC 7231 IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``); naive datetimes are UTC."""
    if now is None:
        second = int(time.time())
        if _DATE_NOW[0] != second:
            _DATE_NOW[1] = formatdate(second, usegmt=True)
            _DATE_NOW[0] = second
        return _DATE_NOW[1]
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return format_datetime(now.astimezone(UTC), usegmt=True)


def _host_header(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _request_target(method: str, parts: SplitResult, *, with_query: bool = True) -> str:
    target = parts.path or "/"
    if with_query and parts.query:
        target += "?" + parts.query
    return f"(request-target): {method.lower()} {target}"


@functools.lru_cache(maxsize=4096)
def _signing_parts(method: str, url: str) -> tuple[str, str]:
    """(Host header, ``(request-target)`` line) of a request (a fan-out signs for the same inboxes again and again)."""
    parts = urlsplit(url)
    return _host_header(parts), _request_target(method, parts)


def _rsa_sign(private_key: rsa.RSAPrivateKey, data: bytes) -> str:
    signature = private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def sign_headers(
    method: str,
    url: str,
    *,
    key_id: str,
    private_key: rsa.RSAPrivateKey | str,
    body: bytes | None = None,
    content_type: str = ACTIVITY_JSON,
    accept: str = DEFAULT_ACCEPT,
    now: datetime | None = None,
    digest: str | None = None,
) -> dict[str, str]:
    """The headers to send with a signed request (Host, Date, Digest/Content-Type or Accept, Signature).

    POST (or any request given a ``body``) signs ``(request-target) host date digest
    content-type``; anything else signs ``(request-target) host date accept``.
    ``private_key`` may be a key object or our own PEM (loaded through the cache); ``digest`` is
    ``body_digest(body)`` when the caller already has it (a fan-out signs one body for many inboxes).
    """
    if '"' in key_id or "\\" in key_id:
        raise ValueError("key_id must not contain quotes or backslashes")
    if isinstance(private_key, str):
        private_key = load_private_key(private_key)
    host, target = _signing_parts(method, url)
    headers = {"Host": host, "Date": http_date(now)}
    if method.upper() == "POST" or body is not None:
        headers["Digest"] = digest or body_digest(body or b"")
        headers["Content-Type"] = content_type
        covered = ("host", "date", "digest", "content-type")
    else:
        headers["Accept"] = accept
        covered = ("host", "date", "accept")
    lines = [target] + [f"{name}: {headers[name.title()]}" for name in covered]
    signature = _rsa_sign(private_key, "\n".join(lines).encode("ascii"))
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",'
        f'headers="(request-target) {" ".join(covered)}",signature="{signature}"'
    )
    return headers


# --- verification: common --------------------------------------------------------------


@dataclass(frozen=True)
class SignedRequest:
    """A structurally valid signed request, waiting for its key.

    ``signing_inputs`` holds the candidate byte strings that were signed (for
    cavage, with and without the query string in ``(request-target)``).
    """

    key_id: str
    scheme: str  # "cavage" or "rfc9421"
    covered: tuple[str, ...] = ()
    signature: bytes = field(default=b"", repr=False)
    signing_inputs: tuple[bytes, ...] = field(default=(), repr=False)

    def verify(self, public_key: rsa.RSAPublicKey | str) -> bool:
        """True if the signature verifies under ``public_key`` (an RSA key or its PEM)."""
        if isinstance(public_key, str):
            try:
                public_key = load_public_key(public_key)
            except ValueError:
                return False
        if not isinstance(public_key, rsa.RSAPublicKey):
            return False
        return any(_rsa_verifies(public_key, self.signature, data) for data in self.signing_inputs)


def _rsa_verifies(public_key: rsa.RSAPublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def parse_request(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | None,
    *,
    now: float | None = None,
) -> SignedRequest:
    """Check a received request's signature structurally; raises SignatureError.

    ``url`` is the full URL as received; ``headers`` any mapping (or list of pairs;
    repeated names are joined with ", "); ``body`` the raw body bytes.
    """
    fields = _lower_headers(headers)
    now = time.time() if now is None else now
    if "signature-input" in fields:
        return _parse_rfc9421(method.upper(), url, fields, body, now)
    if "signature" not in fields:
        raise SignatureError("no Signature header")
    return _parse_cavage(method.upper(), url, fields, body, now)


def _lower_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    fields: dict[str, str] = {}
    for name, value in pairs:
        name = _text(name).lower()
        value = _text(value)
        fields[name] = f"{fields[name]}, {value}" if name in fields else value
    return fields


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _wire_bytes(text: str) -> bytes:
    """Header text back to the bytes that were signed (ASGI decodes headers as latin-1)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _outside_window(timestamp: float, now: float) -> bool:
    return now - timestamp > MAX_AGE or timestamp - now > MAX_FUTURE


def _check_expires(expires: float, now: float) -> None:
    if now > expires:
        raise SignatureError("signature expired")


def _check_content_digest(value: str, body: bytes | None) -> None:
    import http_sf  # RFC 8941 structured fields, loaded only when needed
    try:
        members = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("malformed Content-Digest header") from exc
    member = members.get("sha-256")
    if member is None:
        raise SignatureError("Content-Digest has no sha-256 value")
    if not isinstance(member[0], bytes) or not hmac.compare_digest(member[0], _sha256(body)):
        raise SignatureError("Content-Digest does not match body")


# --- verification: draft-cavage --------------------------------------------------------


def _parse_cavage_params(value: str) -> dict[str, str]:
    value = value.removeprefix("Signature ")  # old node-http-signature adds this prefix
    params: dict[str, str] = {}
    pos = 0
    while pos < len(value):
        match = _PARAM_RE.match(value, pos)
        if match is None or (match[4] == "," and match.end() == len(value)):
            raise SignatureError("malformed Signature header")
        key = match[1]
        if key in params:
            raise SignatureError("duplicate Signature parameter", detail=repr(key))
        quoted = match[2]
        params[key] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match[3]
        pos = match.end()
    return params


def _parse_cavage(
    method: str, url: str, fields: dict[str, str], body: bytes | None, now: float
) -> SignedRequest:
    params = _parse_cavage_params(fields["signature"])
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise SignatureError("Signature parameter missing", detail=required)
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in CAVAGE_ALGORITHMS:
        raise SignatureError("unsupported algorithm", detail=repr(params['algorithm']))
    covered = _cavage_covered(params, algorithm)
    _check_cavage_coverage(method, covered)
    _check_cavage_times(covered, params, fields, now)
    _check_digests(method, covered, fields, body)
    try:
        signature = base64.b64decode(params["signature"])
    except binascii.Error as exc:
        raise SignatureError("signature is not valid base64") from exc
    return SignedRequest(
        key_id=params["keyId"],
        scheme="cavage",
        covered=tuple(covered),
        signature=signature,
        signing_inputs=_cavage_signing_inputs(method, url, covered, params, fields),
    )


def _cavage_covered(params: dict[str, str], algorithm: str) -> list[str]:
    default = "(created)" if algorithm == "hs2019" else "date"
    covered = params.get("headers", default).lower().split()
    if algorithm != "hs2019" and any(name in _PSEUDO_HEADERS for name in covered):
        raise SignatureError("(created) and (expires) not allowed with this algorithm", detail=algorithm)
    return covered


def _check_cavage_coverage(method: str, covered: list[str]) -> None:
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("neither date nor (created) signed")
    if "(request-target)" not in covered and "digest" not in covered:
        raise SignatureError("neither (request-target) nor digest signed")
    if method == "GET" and "host" not in covered:
        raise SignatureError("host header not signed on GET")
    if method == "POST":  # a POST must be bound to its target, host, time and body (FEDERATION.md)
        if "(request-target)" not in covered:
            raise SignatureError("(request-target) not signed on POST")
        if "host" not in covered:
            raise SignatureError("host header not signed on POST")


def _numeric_param(params: dict[str, str], name: str) -> float:
    value = params.get(name)
    if value is None:
        raise SignatureError("signature parameter missing", detail=name)
    if not _NUMBER_RE.fullmatch(value):
        raise SignatureError("invalid signature parameter", detail=name)
    return float(value)


def _check_cavage_times(
    covered: list[str], params: dict[str, str], fields: dict[str, str], now: float
) -> None:
    if "date" in covered and _outside_window(_parse_http_date(fields.get("date")), now):
        raise SignatureError("Date outside the acceptable window")
    if "(created)" in covered and _outside_window(_numeric_param(params, "created"), now):
        raise SignatureError("(created) outside the acceptable window")
    if "(expires)" in covered or "expires" in params:
        _check_expires(_numeric_param(params, "expires"), now)


def _parse_http_date(value: str | None) -> float:
    if not value:
        raise SignatureError("signed Date header missing")
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError("invalid Date header") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _check_digests(method: str, covered: list[str], fields: dict[str, str], body: bytes | None) -> None:
    if method == "POST" or "digest" in covered:
        if "digest" not in fields:
            raise SignatureError("Digest header missing")
        if "digest" not in covered:
            raise SignatureError("digest header not signed")
        _check_digest_header(fields["digest"], body)
    if "content-digest" in fields:
        _check_content_digest(fields["content-digest"], body)


def _check_digest_header(value: str, body: bytes | None) -> None:
    offered = {}
    for part in value.split(","):
        name, _, digest = part.partition("=")
        offered[name.strip().lower()] = digest.strip()
    if "sha-256" not in offered:
        raise SignatureError("Digest has no SHA-256 value", detail=f"offered: {', '.join(offered)}")
    try:
        digest = base64.b64decode(offered["sha-256"], validate=True)
    except binascii.Error as exc:
        raise SignatureError("Digest does not match body") from exc
    if not hmac.compare_digest(digest, _sha256(body)):
        raise SignatureError("Digest does not match body")


def _cavage_signing_inputs(
    method: str, url: str, covered: list[str], params: dict[str, str], fields: dict[str, str]
) -> tuple[bytes, ...]:
    parts = urlsplit(url)
    variants = (True, False) if parts.query and "(request-target)" in covered else (True,)
    return tuple(
        _wire_bytes("\n".join(_cavage_line(name, method, parts, params, fields, q) for name in covered))
        for q in variants
    )


def _cavage_line(
    name: str,
    method: str,
    parts: SplitResult,
    params: dict[str, str],
    fields: dict[str, str],
    with_query: bool,
) -> str:
    if name == "(request-target)":
        return _request_target(method, parts, with_query=with_query)
    if name in _PSEUDO_HEADERS:
        param = name[1:-1]
        if param not in params:
            raise SignatureError("signature parameter missing", detail=param)
        return f"{name}: {params[param]}"
    if name not in fields:
        raise SignatureError("signed header missing", detail=repr(name))
    return f"{name}: {fields[name]}"


# --- verification: RFC 9421 ------------------------------------------------------------


@dataclass
class _Message:
    """The request shape HTTPSignatureComponentResolver reads."""

    method: str
    url: str
    headers: dict[str, str]


def _sf_dictionary(fields: dict[str, str], name: str) -> dict[str, Any]:
    import http_sf
    def reject_duplicate(key: str, context: str) -> None:
        if context == "dictionary":
            raise SignatureError("duplicate signature label", detail=f"{key!r} in {name}")

    if name.lower() not in fields:
        raise SignatureError("signature header missing", detail=name)
    try:
        parsed = http_sf.parse(
            fields[name.lower()].encode("latin-1"), tltype="dictionary", on_duplicate_key=reject_duplicate
        )
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("malformed signature header", detail=name) from exc
    if len(parsed) != 1:
        raise SignatureError("exactly one signature required")
    return parsed


def _parse_rfc9421(
    method: str, url: str, fields: dict[str, str], body: bytes | None, now: float
) -> SignedRequest:
    inputs = _sf_dictionary(fields, "Signature-Input")
    signatures = _sf_dictionary(fields, "Signature")
    label, (components, params) = next(iter(inputs.items()))
    if label not in signatures or not isinstance(signatures[label][0], bytes):
        raise SignatureError("Signature does not match Signature-Input")
    if not isinstance(components, list) or not all(_is_component(c) for c in components):
        raise SignatureError("Signature-Input must list component names as strings")
    key_id = _check_rfc9421_params(params, now)
    _check_rfc9421_coverage(method, components)
    if method == "POST":
        if "content-digest" not in fields:
            raise SignatureError("Content-Digest header missing")
        _check_content_digest(fields["content-digest"], body)
    return SignedRequest(
        key_id=key_id,
        scheme="rfc9421",
        covered=tuple(name for name, _ in components),
        signature=signatures[label][0],
        signing_inputs=(_signature_base(method, url, fields, components, params),),
    )


def _is_component(component: Any) -> bool:
    return type(component[0]) is str  # a Structured Field String, not a Token


def _check_rfc9421_params(params: dict[str, Any], now: float) -> str:
    key_id, created = params.get("keyid"), params.get("created")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError("keyid parameter missing")
    if type(created) is not int:
        raise SignatureError("created parameter missing")
    if params.get("alg", RFC9421_ALGORITHM) != RFC9421_ALGORITHM:
        raise SignatureError("unsupported algorithm", detail=repr(params['alg']))
    if _outside_window(created, now):
        raise SignatureError("created outside the acceptable window")
    if "expires" in params:
        if type(params["expires"]) is not int:
            raise SignatureError("invalid expires parameter")
        _check_expires(params["expires"], now)
    return key_id


def _check_rfc9421_coverage(method: str, components: list[tuple[str, dict]]) -> None:
    identities = [(name, frozenset(p.items())) for name, p in components]
    if len(set(identities)) != len(identities):
        raise SignatureError("duplicate covered component")
    if ("@method", frozenset()) not in identities:
        raise SignatureError("@method not signed")
    if ("@target-uri", frozenset()) not in identities and not (
            ("@authority", frozenset()) in identities and ("@path", frozenset()) in identities):
        raise SignatureError("neither @target-uri nor @authority with @path signed")
    if method == "POST" and not any(n == "content-digest" and set(p) <= {"sf"} for n, p in components):
        raise SignatureError("content-digest not signed")


def _signature_base(
    method: str, url: str, fields: dict[str, str], components: list[tuple[str, dict]], params: dict[str, Any]
) -> bytes:
    import http_sf
    from http_message_signatures import HTTPMessageSignaturesException, HTTPSignatureComponentResolver
    try:
        resolver = HTTPSignatureComponentResolver(_Message(method, url, fields))
        lines = [f"{http_sf.ser(c)}: {_resolve(resolver, *c)}" for c in components]
    except HTTPMessageSignaturesException as exc:
        raise SignatureError("cannot build the signature base", detail=str(exc)) from exc
    signature_params = http_sf.ser({"s": (components, params)})[2:]  # the inner list, serialised
    lines.append(f'"@signature-params": {signature_params}')
    base = "\n".join(lines)
    if not base.isascii():
        raise SignatureError("signature base is not ASCII")
    return base.encode("ascii")


def _resolve(resolver, name: str, params: dict) -> str:
    from http_sf.compat import Item
    item = Item(name)
    item.params.update(params)
    value = resolver.resolve(item)
    if "\n" in value or "\r" in value:
        raise SignatureError("covered component contains a newline", detail=repr(name))
    return value
