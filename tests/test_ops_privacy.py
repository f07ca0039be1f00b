"""Secrets stay private (issue 8, section 6): the data directory is 0700 and every file in it
0600 after ``aan init``, ``aan restore`` and ``aan keys rotate`` (the SQLite database and its
-wal/-shm files too, wherever they live), files the running node creates are 0600, and ``aan
serve`` / ``aan worker`` refuse a database or secret file readable by other users unless
``--allow-readable-data`` is passed. Real processes, both databases."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLE, ROOT, aan, wait_for

from node.ops.privacy import sqlite_files


@pytest.fixture(autouse=True)
def usual_umask():
    """The commands run with the usual umask 022: the node must not depend on its caller's."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def assert_private(data_dir: Path, db_url: str | None) -> list[Path]:
    """Every directory 0700 and every file 0600 under ``data_dir`` and of the SQLite database."""
    assert mode(data_dir) == 0o700, oct(mode(data_dir))
    checked = []
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            assert mode(Path(root) / name) == 0o700, (root, name, oct(mode(Path(root) / name)))
        for name in files:
            path = Path(root) / name
            assert mode(path) == 0o600, (path, oct(mode(path)))
            checked.append(path)
    for path in sqlite_files(db_url or f"sqlite://{data_dir / 'aan.sqlite3'}"):
        if path.exists():
            assert mode(path) == 0o600, (path, oct(mode(path)))
            checked.append(path)
    return checked


def test_init_then_serve_keep_everything_private(nodes, db_url, db_kind):
    node = nodes("org", db_url if db_kind == "postgres" else None)
    node.init()
    files = {p.name for p in assert_private(node.data_dir, node.db_url)}
    assert "config.json" in files
    if db_kind == "sqlite":
        assert "aan.sqlite3" in files
    node.start()
    node.cli("alert", "publish", str(EXAMPLE))
    assert httpx.get(f"{node.base}/login").status_code == 200  # creates the web secret
    # the running node created the web secret and (on SQLite) the -wal and -shm files: all 0600
    wait_for(lambda: (node.data_dir / "webui-secret").exists(), message="webui-secret")
    files = {p.name for p in assert_private(node.data_dir, node.db_url)}
    if db_kind == "sqlite":
        assert {"aan.sqlite3-wal", "aan.sqlite3-shm"} <= files


def test_an_external_sqlite_file_is_made_private_too(tmp_path):
    db_file = tmp_path / "elsewhere" / "node.sqlite3"
    db_file.parent.mkdir()
    url = f"sqlite://{db_file}"
    aan("init", "--domain", "org.test", "--name", "Org", "--db", url, data_dir=tmp_path / "data")
    assert_private(tmp_path / "data", url)
    assert mode(db_file) == 0o600


def test_restore_and_backup_archive_are_private(tmp_path, db_url, db_kind):
    source = tmp_path / "source"
    aan("init", "--domain", "org.test", "--name", "Org", data_dir=source)
    (source / "media").mkdir(mode=0o755)
    (source / "media" / "avatar.png").write_bytes(b"\x89PNG not really")
    (source / "media" / "avatar.png").chmod(0o644)  # an old node's file: the archive keeps its mode
    archive = tmp_path / "node.tar.gz"
    aan("backup", str(archive), data_dir=source)
    assert mode(archive) == 0o600
    target = tmp_path / "restored"
    args = ["restore", str(archive), "--data-dir", str(target)] + (["--db", db_url] if db_kind == "postgres" else [])
    aan(*args, data_dir=target)
    files = {p.relative_to(target).as_posix() for p in assert_private(target, None)}
    assert {"config.json", "media/avatar.png"} <= files
    if db_kind == "sqlite":
        assert "aan.sqlite3" in files


def test_keys_rotate_makes_existing_files_private(tmp_path, db_url, db_kind):
    data = tmp_path / "data"
    extra = ["--db", db_url] if db_kind == "postgres" else []
    aan("init", "--domain", "org.test", "--name", "Org", *extra, data_dir=data)
    data.chmod(0o755)  # as an older aan left it
    for path in data.iterdir():
        path.chmod(0o644)
    aan("keys", "rotate", data_dir=data)
    assert_private(data, db_url if db_kind == "postgres" else None)


def test_serve_and_worker_refuse_a_readable_database_then_start_with_the_flag(nodes):
    node = nodes("org").init()
    database = node.data_dir / "aan.sqlite3"
    database.chmod(0o644)
    for command in ("serve", "worker"):
        result = aan(command, data_dir=node.data_dir, check=False, timeout=30)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert str(database) in lines[0] and f"chmod 600 {database}" in lines[0], lines[0]
        assert "--allow-readable-data" in lines[0]
    assert mode(database) == 0o644  # refusing changed nothing
    worker = subprocess.Popen([sys.executable, "-m", "node.cli", "worker", "--allow-readable-data"],
                              stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "AAN_DATA_DIR": str(node.data_dir)})
    try:
        lines = iter(worker.stderr.readline, "")  # until "worker NAME running", or the end if it exits
        assert any(line.startswith("worker ") and "running" in line for line in lines)
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0
    node.start("--allow-readable-data")
    assert httpx.get(f"{node.base}/healthz").status_code == 200
    node.stop()
    database.chmod(0o600)
    node.start()  # and without the flag once the operator ran the chmod
    assert httpx.get(f"{node.base}/healthz").status_code == 200


def test_a_readable_web_secret_is_refused_on_postgres_too(nodes, db_url, db_kind):
    node = nodes("org", db_url if db_kind == "postgres" else None).init()
    secret = node.data_dir / "webui-secret"
    secret.write_text("c2VjcmV0\n")
    secret.chmod(0o640)
    result = node.cli("worker", check=False)
    assert result.returncode == 2
    assert f"chmod 600 {secret}" in result.stderr, result.stderr
    secret.chmod(0o600)
    node.start()
    assert httpx.get(f"{node.base}/healthz").status_code == 200
