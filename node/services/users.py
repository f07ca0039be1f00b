"""Staff accounts of the web interface: add, list, set a password, change a role, remove, log out everywhere,
open sessions.

``aan user ...`` and the admin pages (``/admin/users``, ``/admin/account``) call these.
Passwords are hashed with scrypt (RFC 7914, stdlib ``hashlib.scrypt``, N=2**15, r=8,
p=1, 16-byte salt) and compared in constant time. Signing in, cookies and CSRF are the
web interface's (:mod:`node.webui.auth`).

Errors: :class:`~node.errors.Invalid` with the offending field in ``fields``
(``username``, ``password`` or ``role``), :class:`~node.errors.Conflict` for a name
already taken or a change that would leave no administrator, :class:`~node.errors.NotFound`
for an unknown user, :class:`~node.errors.Forbidden` for removing one's own account.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from node import errors
from node.storage.models import Draft, User, WebSession

ROLES = ("admin", "editor")
MIN_PASSWORD = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SESSION_MAX_AGE = 14 * 24 * 3600  # seconds: a session ends this long after sign-in in any case
SESSION_IDLE_DEFAULT_HOURS = 12.0


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
def dummy_hash() -> str:
    """A hash to check a password against when there is no user, so that the work is the same."""
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
        message = f"password too short (at least {MIN_PASSWORD} characters)"
        raise errors.Invalid(message, fields={"password": message})
    if username and password.lower() == username.lower():
        message = "password must differ from the username"
        raise errors.Invalid(message, fields={"password": message})


# --- accounts -------------------------------------------------------------------------------------

def valid_username(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "._-" for c in name) and name.isascii()


async def add(username: str, password: str, role: str = "editor", *, can_sign: bool = False) -> User:
    """A new staff account (its password hashed)."""
    if not valid_username(username):
        message = f"invalid username {username!r} (letters, digits, . _ -)"
        raise errors.Invalid(message, fields={"username": message})
    if role not in ROLES:
        message = f"invalid role {role!r} (admin or editor)"
        raise errors.Invalid(message, fields={"role": message})
    check_password_strength(password, username)
    if await User.filter(username=username).exists():
        raise errors.Conflict(f"user {username!r} already exists", public="there is already a user with this name")
    return await User.create(username=username, password_hash=await hash_password_async(password), role=role,
                             can_sign=can_sign)


async def get(user_id: int) -> User:
    user = await User.filter(id=user_id).first() if 0 < user_id < 2**31 else None
    if user is None:
        raise errors.NotFound(f"no user with id {user_id}", public="no such user")
    return user


async def find(username: str) -> User:
    user = await User.filter(username=username).first()
    if user is None:
        raise errors.NotFound(f"no user {username!r}", public="no such user")
    return user


async def listing() -> list[User]:
    """Every account, by name."""
    return await User.all().order_by("username")


async def set_password(user: User, password: str) -> None:
    """New password; every existing session of the user ends."""
    check_password_strength(password, user.username)
    user.password_hash = await hash_password_async(password)
    user.session_epoch += 1
    user.failed_logins = 0
    user.locked_until = None
    await user.save()
    await WebSession.filter(user_id=user.id).delete()


async def change_password(user: User, current: str, new: str, *, again: str | None = None) -> None:
    """One's own new password, given the current one (and, from a form, the new one ``again``);
    every session of the user ends (the caller signs in anew)."""
    if not await verify_password_async(current, user.password_hash):
        raise errors.Forbidden(f"{user.username} gave a wrong current password", public="wrong current password")
    if again is not None and again != new:
        raise errors.Invalid("the two new passwords differ", fields={"new_again": "the two new passwords differ"})
    await set_password(user, new)


async def reset_password(user: User) -> str:
    """A new generated password (returned, to be shown once); every session of the user ends."""
    password = generate_password()
    await set_password(user, password)
    return password


def may_sign(user: User) -> bool:
    """Whether ``user`` may sign, decline or withdraw joint statements in the organisation's name:
    administrators always, editors given the right (``aan user can-sign NAME yes``, the users page)."""
    return user.role == "admin" or bool(user.can_sign)


async def set_can_sign(user: User, allowed: bool) -> None:
    """Give an editor the right to sign joint statements, or take it back (admins always have it)."""
    user.can_sign = bool(allowed)
    await user.save(update_fields=["can_sign"])


async def _last_admin(user: User) -> bool:
    return user.role == "admin" and await User.filter(role="admin").count() <= 1


async def set_role(user: User, role: str) -> None:
    """Make ``user`` an admin or an editor; the last administrator stays one."""
    if role not in ROLES:
        message = f"invalid role {role!r} (admin or editor)"
        raise errors.Invalid(message, fields={"role": message})
    if role != "admin" and await _last_admin(user):
        raise errors.Conflict(f"{user.username} is the last administrator", public="the last administrator stays one")
    user.role = role
    await user.save(update_fields=["role"])


async def remove(user: User, *, acting: User | None = None) -> None:
    """Remove an account; its drafts and schedules stay (without author), its sessions end.

    ``acting`` is the signed-in user doing it (the web interface): they cannot remove
    themselves nor the last administrator. The operator at the command line can.
    """
    if acting is not None:
        if acting.id == user.id:
            raise errors.Forbidden(f"{user.username} cannot remove their own account",
                                   public="you cannot delete your own account")
        if await _last_admin(user):
            raise errors.Conflict(f"{user.username} is the last administrator",
                                  public="the last administrator cannot be deleted")
    await Draft.filter(author_id=user.id).update(author_id=None)  # their drafts and schedules stay
    await WebSession.filter(user_id=user.id).delete()
    await user.delete()


async def log_out_everywhere(user: User) -> None:
    """Every session of ``user`` ends (cookies issued before open nothing any more)."""
    await User.filter(id=user.id).update(session_epoch=user.session_epoch + 1)
    user.session_epoch += 1
    await WebSession.filter(user_id=user.id).delete()


# --- sessions -------------------------------------------------------------------------------------

async def open_sessions(user: User, *, idle_hours: float = SESSION_IDLE_DEFAULT_HOURS) -> list[WebSession]:
    """The user's sessions still open, the most recently used first."""
    now = datetime.now(UTC)
    return await WebSession.filter(user_id=user.id, last_used_at__gte=now - timedelta(hours=idle_hours),
                                   created_at__gte=now - timedelta(seconds=SESSION_MAX_AGE)) \
        .order_by("-last_used_at", "-id")


async def end_session_by_id(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions (from the account page); False if there is no such session."""
    if not 0 < session_id < 2**31:
        return False
    return bool(await WebSession.filter(id=session_id, user_id=user.id).delete())
