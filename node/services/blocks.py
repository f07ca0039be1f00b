"""Domain blocks and allow-list mode: block, allow, remove, list, import, set the mode.

``aan block ...`` calls these. Rows of :class:`~node.storage.models.DomainBlock` hold
the domains (``kind`` block or allow); the mode is the setting ``federation_mode``.
Every change bumps the setting ``domain_blocks_version`` in the same transaction, so
that every running process reloads its :class:`node.ops.blocks.DomainPolicy`, which
enforces them. Use these functions (not the model directly) so running processes notice.
Our own domain is never blocked.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from node import errors
from node.storage.models import DomainBlock
from node.storage.settings import bump, get_setting, set_setting

MODES = ("blocklist", "allowlist")
MODE_KEY = "federation_mode"
VERSION_KEY = "domain_blocks_version"
MASTODON_SEVERITIES = {"suspend": "block", "silence": None, "noop": None}
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DOMAIN_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?$")


class BlockError(errors.Invalid):
    """A domain or file that cannot be used."""


def normalise(value: str) -> str:
    """``https://Sub.Example.ORG/path`` or ``*.example.org.`` -> ``sub.example.org`` / ``example.org``."""
    text = value.strip().lower()
    if "://" in text:
        text = urlsplit(text).netloc
    text = text.split("/", 1)[0].removeprefix("*.").removeprefix(".").rstrip(".")
    if "@" in text:  # a handle: @user@host
        text = text.rsplit("@", 1)[1]
    try:
        text = text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError:
        raise BlockError(f"invalid domain {value!r}") from None
    if len(text) > 255 or not _DOMAIN_RE.match(text):
        raise BlockError(f"invalid domain {value!r}")
    return text


def is_own(host: str, own: str) -> bool:
    """``host`` (host or host:port) is our own domain ``own`` (host or host:port)."""
    own = own.lower()
    return bool(own) and (host == own or (":" not in own and host.rsplit(":", 1)[0] == own))


async def _bump(conn) -> None:
    await bump(VERSION_KEY, conn=conn)  # running processes reload the list


async def add(domain: str, *, kind: str = "block", reason: str = "", own: str = "") -> DomainBlock:
    if kind not in ("block", "allow"):
        raise BlockError(f"unknown kind {kind!r}")
    name = normalise(domain)
    if kind == "block" and own and is_own(name, own):
        raise BlockError(f"{name} is this node's own domain")
    async with in_transaction() as conn:
        row, _ = await DomainBlock.update_or_create(defaults={"kind": kind, "reason": reason[:2000]},
                                                    domain=name, using_db=conn)
        await _bump(conn)
    return row


async def remove(domain: str) -> bool:
    name = normalise(domain)
    async with in_transaction() as conn:
        deleted = await DomainBlock.filter(domain=name).using_db(conn).delete()
        await _bump(conn)
    return bool(deleted)


async def listing() -> list[DomainBlock]:
    return await DomainBlock.all().order_by("kind", "domain")


async def get_mode() -> str:
    mode = await get_setting(MODE_KEY)
    return mode if mode in MODES else "blocklist"


async def set_mode(mode: str) -> None:
    if mode not in MODES:
        raise BlockError(f"mode must be one of {', '.join(MODES)}")
    async with in_transaction() as conn:
        await set_setting(MODE_KEY, mode, conn=conn)
        await _bump(conn)


@dataclass
class Parsed:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (domain, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (line, why)


def parse_blocklist(text: str) -> Parsed:
    """Mastodon's CSV export (``#domain,#severity,...``) or one domain per line.

    Mastodon rows with severity ``suspend`` become blocks; ``silence`` and
    ``noop`` have no equivalent here (we only refuse federation) and are
    skipped, as are obfuscated domains (``exa***.com``). In the plain format
    ``#`` starts a comment, and anything after the domain on a line is ignored.
    """
    out = Parsed()
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.lower().startswith("#domain"):
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        for record in reader:
            raw = (record.get("#domain") or "").strip()
            if not raw:
                continue
            severity = (record.get("#severity") or "suspend").strip().lower()
            if MASTODON_SEVERITIES.get(severity) != "block":
                out.skipped.append((raw, f"severity {severity}"))
                continue
            _take(out, raw, (record.get("#public_comment") or "").strip())
        return out
    for line in lines:
        raw = line.split("#", 1)[0].strip()
        if not raw:
            continue
        _take(out, re.split(r"[,\s;]", raw, maxsplit=1)[0], "")
    return out


def _take(out: Parsed, raw: str, reason: str) -> None:
    if "*" in raw.removeprefix("*."):
        out.skipped.append((raw, "obfuscated domain"))
        return
    try:
        out.entries.append((normalise(raw), reason))
    except BlockError as exc:
        out.skipped.append((raw, str(exc)))


async def import_entries(entries: list[tuple[str, str]], *, kind: str = "block", default_reason: str = "",
                         own: str = "") -> tuple[int, int]:
    """Add (or update) every entry in one transaction; return (new, updated)."""
    existing = set(await DomainBlock.filter(domain__in=[d for d, _ in entries]).values_list("domain", flat=True))
    new = updated = 0
    async with in_transaction() as conn:
        for domain, reason in dict(entries).items():
            if kind == "block" and own and is_own(domain, own):
                continue
            await DomainBlock.update_or_create(defaults={"kind": kind, "reason": (reason or default_reason)[:2000]},
                                               domain=domain, using_db=conn)
            if domain in existing:
                updated += 1
            else:
                new += 1
        await _bump(conn)
    return new, updated


@dataclass
class Imported:
    new: int
    updated: int
    skipped: list[tuple[str, str]]  # (line, why)


async def import_list(text: str, *, name: str, kind: str = "block", reason: str = "", own: str = "") -> Imported:
    """Block (or allow) every domain of a list (:func:`parse_blocklist`) read from the file ``name``."""
    parsed = parse_blocklist(text)
    if not parsed.entries and not parsed.skipped:
        raise BlockError(f"{name} lists no domains", public="the list names no domains")
    new, updated = await import_entries(parsed.entries, kind=kind, own=own,
                                        default_reason=reason or f"imported from {Path(name).name}")
    return Imported(new, updated, parsed.skipped)
