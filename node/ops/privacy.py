"""File modes of the data directory: the node's secrets are readable by its own user only.

The SQLite database holds the organisation's private keys; ``webui-secret`` signs
staff sessions; ``config.json`` may hold a PostgreSQL password. ``aan init``,
``aan restore`` and ``aan keys rotate`` run under a umask of 077 and then set the
data directory (and every directory in it) to 0700 and every file to 0600, SQLite's
``-wal`` and ``-shm`` files included, wherever the database file lives.
``aan serve`` and ``aan worker`` refuse to start while the database or a secret
file is readable by group or others (``--allow-readable-data`` overrides).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
from pathlib import Path

from node.config import CONFIG_FILE, NodeConfig
from node.errors import ConfigurationError

SECRET_FILES = ("webui-secret", "demo-admin-password", CONFIG_FILE)
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class ReadableData(ConfigurationError):
    """The database or a secret file can be read by other users of this machine."""

    public = "the node's data is readable by other users"


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database file and its companions (whether they exist or not); [] for PostgreSQL."""
    from node.storage import db

    if db.dialect(database_url) != "sqlite":
        return []
    path = Path(database_url.split("://", 1)[1].split("?", 1)[0])
    return [path.with_name(path.name + suffix) for suffix in SQLITE_SUFFIXES]


def make_private(data_dir: Path, database_url: str | None = None) -> None:
    """chmod the data directory and its directories 0700, its files (and the SQLite files) 0600."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            if not (Path(root) / name).is_symlink():  # what a link points to is not ours to change
                (Path(root) / name).chmod(0o700)
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                path.chmod(0o600)
    for path in sqlite_files(database_url or ""):
        with contextlib.suppress(FileNotFoundError):
            path.chmod(0o600)


def readable_by_others(config: NodeConfig) -> list[Path]:
    """Existing files holding the node's keys or secrets whose mode lets group or others read them."""
    candidates = sqlite_files(config.database_url) + [config.data_dir / name for name in SECRET_FILES]
    found = []
    for path in candidates:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
            found.append(path)
    return found


def require_private(config: NodeConfig) -> None:
    """Raise :class:`ReadableData` (one line naming the files and the chmod to run) if any is readable."""
    found = readable_by_others(config)
    if found:
        names = " ".join(shlex.quote(str(path)) for path in found)
        raise ReadableData(
            f"{', '.join(str(path) for path in found)} readable by other users (it holds the node's keys or "
            f"secrets): run 'chmod 600 {names}' (or pass --allow-readable-data if you know why)")
