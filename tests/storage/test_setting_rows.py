"""Setting rows in one encoding (node/storage/settings.py) on SQLite and PostgreSQL, and the data
migration that wraps the values older releases stored bare."""

import shutil

import pytest
from aerich import Command
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from node.ops import blocks, keys
from node.services import blocks as block_list
from node.services import keys as key_service
from node.storage import db, settings
from node.storage.models import Setting


@pytest.fixture
async def store(db_url):
    await db.migrate(db_url)
    await db.init(db_url, pool_max=4)
    yield db_url
    await db.close()


@pytest.mark.parametrize("value", ["allowlist", "", 0, 3, 2.5, True, None, ["en", "fr"], {"filename": "a.png"},
                                   '{"v": 1}', "null"])
async def test_any_json_value_round_trips_wrapped(store, value):
    await settings.set_setting("k", value)
    assert await settings.get_setting("k", "default") == value
    assert (await Setting.get(key="k")).value == {"v": value}  # the one encoding


async def test_defaults_prefixes_deletion_and_transactions(store):
    assert await settings.get_setting("missing") is None
    assert await settings.get_setting("missing", ["x"]) == ["x"]
    await settings.set_setting("header:alerts", {"filename": "a.png"})
    await settings.set_setting("header:topic", {"filename": "b.png"})
    await settings.set_setting("timezone", "Europe/Paris")
    assert await settings.settings_starting("header:") == {"header:alerts": {"filename": "a.png"},
                                                           "header:topic": {"filename": "b.png"}}
    assert await settings.get_settings(["timezone", "missing"]) == {"timezone": "Europe/Paris"}
    await settings.delete_setting("header:topic")
    assert list(await settings.settings_starting("header:")) == ["header:alerts"]
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await settings.set_setting("timezone", "UTC", conn=conn)
            assert await settings.bump("counter", conn=conn) == 1
            raise RuntimeError("rolled back")
    assert await settings.get_setting("timezone") == "Europe/Paris"
    assert await settings.get_setting("counter") is None


async def test_counters_count_from_zero(store):
    assert [await settings.bump("v") for _ in range(3)] == [1, 2, 3]
    await settings.set_setting("v", "not a number")
    assert await settings.bump("v") == 1


async def test_blocks_and_keys_use_the_one_encoding(store):
    await block_list.set_mode("allowlist")
    await block_list.add("bad.example")
    await key_service.bump_actors_version()
    rows = {r.key: r.value for r in await Setting.all()}
    assert rows == {blocks.MODE_KEY: {"v": "allowlist"}, blocks.VERSION_KEY: {"v": 2}, keys.VERSION_KEY: {"v": 1}}
    assert await block_list.get_mode() == "allowlist"
    assert await keys.actors_version() == 1
    policy = await blocks.DomainPolicy().load()
    assert policy.mode == "allowlist" and policy.signature == await blocks.signature() == ("allowlist", 2, 1)


async def test_migration_wraps_the_values_older_releases_kept_bare(db_url, tmp_path):
    """A database at migration 4 with the bare values blocks and keys wrote, then ``migrate``."""
    dialect = db.dialect(db_url)
    location = tmp_path / "release" / dialect
    (location / "models").mkdir(parents=True)
    for path in sorted((db.MIGRATIONS / dialect / "models").glob("[0-4]_*.py")):
        shutil.copy(path, location / "models" / path.name)
    config = db.tortoise_config(db_url, migrations=True)
    db._forget_cached_sql()
    await Tortoise.init(config=config)
    try:
        command = Command(tortoise_config=config, app="models", location=str(location))
        await command.init()
        assert len(await command.upgrade(run_in_transaction=True)) == 5
        for key, value in (("federation_mode", '"allowlist"'), ("domain_blocks_version", 4), ("actors_version", 2),
                           ("languages", {"v": ["fr", "en"]})):  # the web interface's: wrapped already
            row = Setting(key=key)
            row.value = value  # as the old ops.blocks.put_setting wrote it (a str is taken as JSON text)
            await row.save()
    finally:
        await Tortoise.close_connections()
    applied = await db.migrate(db_url)
    later = sorted(int(path.name.split("_")[0]) for path in (db.MIGRATIONS / dialect / "models").glob("*.py")
                   if path.name[0].isdigit() and int(path.name.split("_")[0]) > 4)
    assert [int(name.split("_")[0]) for name in applied] == later and later[0] == 5
    await db.init(db_url)
    try:
        assert await block_list.get_mode() == "allowlist"
        assert await settings.get_settings([blocks.VERSION_KEY, keys.VERSION_KEY, "languages"]) == {
            blocks.VERSION_KEY: 4, keys.VERSION_KEY: 2, "languages": ["fr", "en"]}
        assert await db.migrate(db_url) == []
    finally:
        await db.close()


def test_rows_of_older_backups_are_upgraded():
    assert settings.upgrade_row("federation_mode", "allowlist") == {"v": "allowlist"}
    assert settings.upgrade_row("actors_version", 3) == {"v": 3}
    assert settings.upgrade_row("actors_version", {"v": 3}) == {"v": 3}
    assert settings.upgrade_row("languages", {"v": ["en"]}) == {"v": ["en"]}
