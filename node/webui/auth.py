"""Signing in: signed session cookies, CSRF tokens, login limits.

* Passwords are hashed with scrypt and compared in constant time
  (:mod:`node.services.users`, where accounts are managed). Unknown
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

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from node.services.users import (
    SESSION_IDLE_DEFAULT_HOURS,
    SESSION_MAX_AGE,
    dummy_hash,
    verify_password_async,
)
from node.storage.models import User, WebSession

SECRET_FILE = "webui-secret"
SESSION_COOKIE = "aan_session"
CSRF_COOKIE = "aan_csrf"
TOUCH_EVERY = 60  # seconds between two writes of a session's "last used"
LOCK_AFTER = 5
LOCK_MAX = timedelta(hours=1)
IP_WINDOW = 600.0
IP_MAX_FAILURES = 20


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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
        await verify_password_async(password, dummy_hash())
        wait = int((user.locked_until - now).total_seconds()) + 1
        limiter.failed(address)
        return LoginResult(None, "Too many failed attempts for this account. Try again in a few minutes.", wait)
    ok = await verify_password_async(password, user.password_hash if user else dummy_hash()) and user is not None
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
