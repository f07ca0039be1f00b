"""Staff accounts: scrypt password hashes, signed session cookies, CSRF tokens, login limits.

* Passwords are hashed with scrypt (RFC 7914, stdlib ``hashlib.scrypt``,
  N=2**15, r=8, p=1, 16-byte salt) and compared in constant time. Unknown
  users cost the same work as known ones, so timing does not reveal names.
* Sessions live on the server: a ``web_sessions`` row per sign-in (user,
  created, last used, user agent, client address as the proxy reports it)
  holding only the SHA-256 of a random session id. The cookie carries that id,
  signed with HMAC-SHA256 under a secret generated into the data directory
  (``webui-secret``, mode 0600; every process of the node reads the same file),
  with the user id, the user's ``session_epoch`` (bumped by "log out
  everywhere" and by password changes) and the time it was issued. A cookie
  works only while its row exists: logging out deletes the row, so a copied
  cookie is worthless afterwards; each session can be ended on its own from
  the account page. A session ends after ``session_idle_hours`` (config.json,
  default 12) without use, and 14 days after sign-in in any case. "Last used"
  is written at most once a minute. Cookies are ``HttpOnly``,
  ``SameSite=Lax`` and ``Secure`` on https nodes.
* Every form carries a CSRF token: an HMAC of the session id (or, before
  login, of a random ``aan_csrf`` cookie). POSTs without the right token are
  refused with 403 whatever else they carry.
* Login attempts are limited per account (5 failures lock it for one minute,
  doubling to an hour) and per client address (20 failures in 10 minutes).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import orjson

from node.errors import Invalid
from node.storage.models import User, WebSession

SECRET_FILE = "webui-secret"
SESSION_COOKIE = "aan_session"
CSRF_COOKIE = "aan_csrf"
SESSION_MAX_AGE = 14 * 24 * 3600
SESSION_IDLE_DEFAULT_HOURS = 12.0
TOUCH_EVERY = 60  # seconds between two writes of a session's "last used"
ROLES = ("admin", "editor")
MIN_PASSWORD = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
LOCK_AFTER = 5
LOCK_MAX = timedelta(hours=1)
IP_WINDOW = 600.0
IP_MAX_FAILURES = 20


class AuthError(Invalid):
    """A login or account change was refused; the message is shown to the user."""


# --- passwords ------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=128 * SCRYPT_N * SCRYPT_R * 2, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=n_, r=r_, p=p_,
                                maxmem=128 * n_ * r_ * 2, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not a real password", salt=b"\0" * 16)


async def hash_password_async(password: str) -> str:
    """:func:`hash_password` off the event loop (scrypt takes tens of milliseconds)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password: str, stored: str) -> bool:
    return await asyncio.to_thread(verify_password, password, stored)


def generate_password() -> str:
    """A random password people can type: 4 groups of 5 letters and digits."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def check_password_strength(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password too short (at least {MIN_PASSWORD} characters)")
    if username and password.lower() == username.lower():
        raise AuthError("password must differ from the username")


# --- accounts -------------------------------------------------------------------------------------

def valid_username(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "._-" for c in name) and name.isascii()


async def create_user(username: str, password: str, role: str = "editor") -> User:
    if not valid_username(username):
        raise AuthError(f"invalid username {username!r} (letters, digits, . _ -)")
    if role not in ROLES:
        raise AuthError(f"invalid role {role!r} (admin or editor)")
    check_password_strength(password, username)
    if await User.filter(username=username).exists():
        raise AuthError(f"user {username!r} already exists")
    return await User.create(username=username, password_hash=await hash_password_async(password), role=role)


async def set_password(user: User, password: str) -> None:
    """New password; every existing session of the user ends."""
    check_password_strength(password, user.username)
    user.password_hash = await hash_password_async(password)
    user.session_epoch += 1
    user.failed_logins = 0
    user.locked_until = None
    await user.save()
    await WebSession.filter(user_id=user.id).delete()


async def log_out_everywhere(user: User) -> None:
    await User.filter(id=user.id).update(session_epoch=user.session_epoch + 1)
    user.session_epoch += 1
    await WebSession.filter(user_id=user.id).delete()


class LoginLimiter:
    """Failed logins per client address, in memory (the per-account lock is in the database)."""

    def __init__(self, window: float = IP_WINDOW, limit: int = IP_MAX_FAILURES):
        self.window = window
        self.limit = limit
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        entries = self.failures.setdefault(address, deque())
        cutoff = time.monotonic() - self.window
        while entries and entries[0] < cutoff:
            entries.popleft()
        return entries

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        self._recent(address).append(time.monotonic())
        if len(self.failures) > 10000:  # forget the quietest addresses rather than grow without bound
            for key in [k for k, v in self.failures.items() if not v][:5000]:
                del self.failures[key]


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None  # an English msgid for the form
    retry_after: int = 0


async def authenticate(username: str, password: str, address: str, limiter: LoginLimiter) -> LoginResult:
    if limiter.blocked(address):
        return LoginResult(None, "Too many failed attempts from your network. Try again in a few minutes.",
                           int(limiter.window))
    user = await User.filter(username=username).first()
    now = datetime.now(UTC)
    if user is not None and user.locked_until and user.locked_until > now:
        await verify_password_async(password, _dummy_hash())
        wait = int((user.locked_until - now).total_seconds()) + 1
        limiter.failed(address)
        return LoginResult(None, "Too many failed attempts for this account. Try again in a few minutes.", wait)
    ok = await verify_password_async(password, user.password_hash if user else _dummy_hash()) and user is not None
    if not ok:
        limiter.failed(address)
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= LOCK_AFTER:
                lock = timedelta(minutes=2 ** (user.failed_logins - LOCK_AFTER))
                user.locked_until = now + min(lock, LOCK_MAX)
            await user.save(update_fields=["failed_logins", "locked_until"])
        return LoginResult(None, "Wrong username or password.")
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        await user.save(update_fields=["failed_logins", "locked_until"])
    return LoginResult(user)


# --- signed cookies and CSRF ------------------------------------------------------------------------

def load_secret(data_dir: Path) -> bytes:
    """The node's web secret, created (0600) on first use; shared by every process of the node."""
    path = Path(data_dir) / SECRET_FILE
    try:
        return _unb64(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its secret
        return _unb64(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(_b64(secret) + "\n")
    return secret


class Signer:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _mac(self, purpose: str, data: bytes) -> str:
        return _b64(hmac.new(self.secret, purpose.encode() + b"|" + data, hashlib.sha256).digest())

    def sign(self, payload: dict, purpose: str = "session") -> str:
        data = _b64(orjson.dumps(payload))
        return f"{data}.{self._mac(purpose, data.encode())}"

    def unsign(self, token: str | None, purpose: str = "session") -> dict | None:
        if not token or "." not in token or len(token) > 4096:
            return None
        data, _, mac = token.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(purpose, data.encode())):
            return None
        try:
            payload = orjson.loads(_unb64(data))
        except (ValueError, orjson.JSONDecodeError):
            return None
        return payload if isinstance(payload, dict) else None

    def csrf_token(self, sid: str) -> str:
        return self._mac("csrf", sid.encode())

    def check_csrf(self, sid: str | None, token: str | None) -> bool:
        return bool(sid and token) and hmac.compare_digest(self.csrf_token(sid), token)


def _key_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def new_session(user: User) -> dict:
    """A cookie payload with a fresh random session id (see :func:`start_session`)."""
    return {"u": user.id, "e": user.session_epoch, "s": secrets.token_urlsafe(32), "t": int(time.time())}


async def start_session(user: User, *, user_agent: str = "", address: str = "",
                        idle_hours: float = SESSION_IDLE_DEFAULT_HOURS) -> dict:
    """Record a new session of ``user`` (its id hashed) and return the payload for the signed cookie."""
    payload = new_session(user)
    now = datetime.now(UTC)
    # forget sessions that ended by themselves (idle, or too old): their addresses are not kept
    await WebSession.filter(last_used_at__lt=now - timedelta(hours=idle_hours)).delete()
    await WebSession.filter(created_at__lt=now - timedelta(seconds=SESSION_MAX_AGE)).delete()
    await WebSession.create(user_id=user.id, key_hash=_key_hash(payload["s"]), created_at=now, last_used_at=now,
                            user_agent=(user_agent or "")[:255], address=(address or "")[:64])
    return payload


async def resolve_session(payload: dict | None, *,
                          idle_hours: float = SESSION_IDLE_DEFAULT_HOURS) -> tuple[User, WebSession] | None:
    """The user and session row a (verified) cookie payload names, if that session is still open."""
    if not payload:
        return None
    try:
        user_id, epoch, issued, sid = int(payload["u"]), int(payload["e"]), int(payload["t"]), payload["s"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(sid, str) or not sid or time.time() - issued > SESSION_MAX_AGE:
        return None
    row = await WebSession.filter(key_hash=_key_hash(sid), user_id=user_id).select_related("user").first()
    if row is None or row.user.session_epoch != epoch:
        return None
    now = datetime.now(UTC)
    idle = (now - row.last_used_at).total_seconds()
    if idle > idle_hours * 3600 or (now - row.created_at).total_seconds() > SESSION_MAX_AGE:
        await WebSession.filter(id=row.id).delete()
        return None
    if idle >= TOUCH_EVERY:
        await WebSession.filter(id=row.id).update(last_used_at=now)
        row.last_used_at = now
    return row.user, row


async def end_session(payload: dict | None) -> None:
    """Log out: the session named by the cookie ends on the server (its cookie opens nothing any more)."""
    sid = payload.get("s") if payload else None
    if isinstance(sid, str) and sid:
        await WebSession.filter(key_hash=_key_hash(sid)).delete()


async def end_session_by_id(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions (from the account page); False if there is no such session."""
    return bool(await WebSession.filter(id=session_id, user_id=user.id).delete())


async def open_sessions(user: User, *, idle_hours: float = SESSION_IDLE_DEFAULT_HOURS) -> list[WebSession]:
    """The user's sessions still open, the most recently used first."""
    now = datetime.now(UTC)
    return await WebSession.filter(user_id=user.id, last_used_at__gte=now - timedelta(hours=idle_hours),
                                   created_at__gte=now - timedelta(seconds=SESSION_MAX_AGE)) \
        .order_by("-last_used_at", "-id")
