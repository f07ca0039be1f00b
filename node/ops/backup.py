"""``aan backup FILE`` / ``aan restore FILE``: a portable archive of one node.

The archive is a gzipped tar, independent of the database engine::

    manifest.json          format, aan version, source dialect, migrations applied, row counts
    config.json            the node's configuration (its database URL is replaced on restore)
    tables/<table>.jsonl   every row of every table, one JSON object per line, in primary-key order
    files/...              other files of the data directory (uploaded media and the like)

It holds everything the node needs: the actors with their private keys
(``local_actors``), followers, following, alerts, the activities we served,
received objects, Clearing House members, cases and indexes, domain blocks and
settings. Queue rows that are finished (``done``) are history and are left out
unless ``--full``; pending and failed ones are kept (rows that were ``running``
come back ``pending``). The archive contains private keys: keep it as secret as
the server.

The rows are read in one transaction (``REPEATABLE READ`` on PostgreSQL), so a
backup of a running node is consistent. ``aan restore`` creates a fresh data
directory, migrates the target database (SQLite in the new directory, or
``--db URL``, which must be empty) to the current schema and loads the rows:
an archive from an older release loads into the newer schema (new columns take
their defaults).
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import orjson
from tortoise import Tortoise
from tortoise.fields import JSONField
from tortoise.transactions import in_transaction

from node import errors
from node.config import CONFIG_FILE, NodeConfig
from node.storage import db, jobs, queries, settings

FORMAT = "aan-backup"
FORMAT_VERSION = 1
CHUNK = 2000


class BackupError(errors.Invalid):
    """The archive or the target cannot be used."""


def _models() -> list:
    """Our models in an order where every foreign key points to an earlier one."""
    models = [m for m in Tortoise.apps["models"].values() if m._meta.db_table != "aerich"]
    by_table = {m._meta.db_table: m for m in models}
    ordered: list = []

    def visit(model, trail=()):
        if model in ordered or model in trail:
            return
        for name in model._meta.fk_fields | model._meta.o2o_fields:
            related = model._meta.fields_map[name].related_model
            if related._meta.db_table in by_table:
                visit(related, trail + (model,))
        ordered.append(model)

    for table in sorted(by_table):
        visit(by_table[table])
    return ordered


def _data_files(data_dir: Path, config: NodeConfig, exclude: set[Path]) -> list[Path]:
    skip = {CONFIG_FILE}
    if db.dialect(config.database_url) == "sqlite":
        name = Path(config.database_url.split("://", 1)[1].split("?", 1)[0]).name
        skip |= {name, f"{name}-wal", f"{name}-shm", f"{name}-journal"}
    return sorted(p for p in data_dir.rglob("*") if p.is_file() and p.resolve() not in exclude
                  and p.relative_to(data_dir).parts[0] not in skip)


async def _dump_table(model, conn, out: io.BufferedWriter, *, full: bool) -> int:
    pk = model._meta.pk_attr
    query = model.all().using_db(conn)
    if model._meta.db_table in jobs.QUEUES and not full:
        query = query.exclude(status="done")
    n = 0
    last = None
    while True:
        page = query if last is None else query.filter(**{f"{pk}__gt": last})
        rows = await page.order_by(pk).limit(CHUNK).values()
        for row in rows:
            if model._meta.db_table in jobs.QUEUES and row.get("status") == "running":
                row.update(status="pending", lease_until=None, locked_by=None)
            out.write(orjson.dumps(row, default=_encode) + b"\n")
        n += len(rows)
        if len(rows) < CHUNK:
            return n
        last = rows[-1][pk]


def _encode(value):
    raise TypeError(f"cannot store {type(value).__name__}")


async def backup(config: NodeConfig, path: Path, *, full: bool = False) -> dict:
    """Write the archive of the node whose database is open; return its manifest."""
    with tempfile.TemporaryDirectory(prefix="aan-backup-") as tmp:
        tables = Path(tmp)
        counts: dict[str, int] = {}
        async with in_transaction() as conn:
            await queries.snapshot(conn)
            applied = await queries.applied_migrations(conn)
            for model in _models():
                table = model._meta.db_table
                with open(tables / f"{table}.jsonl", "wb") as out:
                    counts[table] = await _dump_table(model, conn, out, full=full)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "aan_version": _version(),
            "created_at": datetime.now(UTC).isoformat(), "dialect": db.dialect(config.database_url),
            "migrations": applied, "tables": counts, "full": full, "handle": config.handle,
        }
        config_data = json.loads((config.data_dir / CONFIG_FILE).read_text())
        part = path.with_name(path.name + ".part")
        with tarfile.open(part, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            _add_bytes(tar, "config.json", json.dumps(config_data, indent=2).encode())
            for table in counts:
                tar.add(tables / f"{table}.jsonl", arcname=f"tables/{table}.jsonl")
            for file in _data_files(config.data_dir, config, {path.resolve(), part.resolve()}):
                tar.add(file, arcname=f"files/{file.relative_to(config.data_dir).as_posix()}")
        part.chmod(0o600)
        part.replace(path)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError("not an aan backup (no manifest.json)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not an aan backup")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"archive format {manifest['format_version']} is newer than this aan; upgrade first")
    return manifest


async def restore(archive: Path, data_dir: Path, *, database_url: str | None = None) -> tuple[NodeConfig, dict]:
    """Create a node in the fresh ``data_dir`` from ``archive``; return its config and the manifest."""
    if (data_dir / CONFIG_FILE).exists():
        raise BackupError(f"{data_dir} already holds a node; restore into a new --data-dir")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {archive}: {exc}") from None
    with tar:
        manifest = read_manifest(tar)
        data = json.loads(tar.extractfile("config.json").read())
        data_dir.mkdir(parents=True, exist_ok=True)
        url = database_url or f"sqlite://{(data_dir / 'aan.sqlite3').resolve()}"
        data["database_url"] = url
        config = NodeConfig(data_dir=data_dir, **data)
        await db.migrate(url)
        await db.init(url)
        try:
            await _load_tables(tar, manifest)
        finally:
            await db.close()
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("files/"):
                member.name = member.name.removeprefix("files/")
                tar.extract(member, data_dir, filter="data")
    config.save()
    return config, manifest


async def _load_tables(tar: tarfile.TarFile, manifest: dict) -> None:
    from node.storage.models import LocalActor

    if await LocalActor.all().exists():
        raise BackupError("the target database already holds a node; restore into an empty database")
    async with in_transaction() as conn:
        for model in _models():
            table = model._meta.db_table
            if table not in manifest["tables"]:
                continue
            known = set(model._meta.fields_db_projection)
            json_fields = {n for n, f in model._meta.fields_map.items() if isinstance(f, JSONField)}
            auto_now = [f for f in model._meta.fields_map.values() if getattr(f, "auto_now", False)]
            for f in auto_now:  # keep the archived timestamps
                f.auto_now = False
            try:
                stream = tar.extractfile(f"tables/{table}.jsonl")
                batch = []
                for line in stream:
                    row = orjson.loads(line)
                    if table == "settings" and "key" in row:  # an archive from before one encoding
                        row["value"] = settings.upgrade_row(row["key"], row.get("value"))
                    texts = {n: row.pop(n) for n in json_fields & row.keys() if isinstance(row[n], str)}
                    obj = model(**{k: v for k, v in row.items() if k in known})
                    for name, value in texts.items():  # a bare JSON string: tortoise takes str as JSON text
                        setattr(obj, name, orjson.dumps(value).decode())
                    batch.append(obj)
                    if len(batch) >= CHUNK:
                        await model.bulk_create(batch, using_db=conn)
                        batch = []
                if batch:
                    await model.bulk_create(batch, using_db=conn)
            finally:
                for f in auto_now:
                    f.auto_now = True
        if db.is_postgres():
            await _reset_sequences(conn)


async def _reset_sequences(conn) -> None:
    """Rows were inserted with their ids: move each serial sequence past the largest."""
    for model in _models():
        pk = model._meta.pk
        if not getattr(pk, "generated", False):
            continue
        table, column = model._meta.db_table, pk.source_field or model._meta.pk_attr
        await queries.reset_sequence(conn, table, column)


def _version() -> str:
    from node import __version__

    return __version__
