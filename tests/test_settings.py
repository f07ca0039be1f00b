"""One typed settings object (node.config.Settings): the configuration file plus the ``AAN_*``
environment, read once at start; a bad value is a clear ConfigurationError (the CLI: one line, exit 2)."""

from pathlib import Path

import pytest
from conftest import aan

from node import errors
from node.config import NodeConfig, Settings

ALL = {
    "AAN_DATA_DIR": "/srv/aan", "AAN_DATABASE_URL": "postgresql://aan@db/aan", "AAN_UPLOAD_DEADLINE": "2.5",
    "AAN_REFRESH_SECONDS": "0.3", "AAN_LOG_FORMAT": " JSON", "AAN_LOG_LEVEL": "INFO", "AAN_SCHEDULER_POLL": "0.2",
    "AAN_SHUTDOWN_GRACE": "0", "AAN_QUEUE_LEASE": "4", "AAN_METRICS_TOKEN": "s3cret", "AAN_METRICS_PORT": "9464",
    "AAN_INGEST_LOG_KEEP": "250",
}


def test_defaults_without_environment():
    settings = Settings.from_environ({})
    assert settings == Settings(data_dir=Path("aan-data"), database_url=None, upload_deadline=10.0,
                                refresh_seconds=5.0, log_format="text", log_level="warning", scheduler_poll=1.0,
                                shutdown_grace=15.0, queue_lease=30.0, metrics_token=None, metrics_port=0,
                                ingest_log_keep=1000, config=None)
    assert Settings.from_environ({"AAN_METRICS_TOKEN": "", "AAN_QUEUE_LEASE": " "}) == settings  # empty: unset


def test_every_variable_is_read():
    settings = Settings.from_environ(ALL)
    assert settings.data_dir == Path("/srv/aan")
    assert settings.database_url == "postgresql://aan@db/aan"
    assert (settings.upload_deadline, settings.refresh_seconds, settings.scheduler_poll) == (2.5, 0.3, 0.2)
    assert (settings.shutdown_grace, settings.queue_lease) == (0.0, 4.0)
    assert (settings.log_format, settings.log_level) == ("json", "info")
    assert (settings.metrics_token, settings.metrics_port) == ("s3cret", 9464)
    assert settings.ingest_log_keep == 250
    assert Settings.from_environ(ALL, data_dir="elsewhere").data_dir == Path("elsewhere")  # --data-dir wins
    with pytest.raises(AttributeError):
        settings.queue_lease = 1  # frozen: read once, never changed


@pytest.mark.parametrize(("name", "value"), [
    ("AAN_UPLOAD_DEADLINE", "ten"), ("AAN_UPLOAD_DEADLINE", "0"), ("AAN_REFRESH_SECONDS", "-1"),
    ("AAN_SCHEDULER_POLL", "nan"), ("AAN_SHUTDOWN_GRACE", "-0.5"), ("AAN_QUEUE_LEASE", "inf"),
    ("AAN_LOG_FORMAT", "xml"), ("AAN_LOG_LEVEL", "loud"), ("AAN_METRICS_PORT", "70000"),
    ("AAN_METRICS_PORT", "http"), ("AAN_DATABASE_URL", "mysql://db/aan"),
    ("AAN_INGEST_LOG_KEEP", "0"), ("AAN_INGEST_LOG_KEEP", "1.5"), ("AAN_INGEST_LOG_KEEP", "many"),
])
def test_bad_values_are_refused_naming_the_variable(name, value):
    with pytest.raises(errors.ConfigurationError) as caught:
        Settings.from_environ({name: value})
    assert name in caught.value.detail
    assert caught.value.exit_code == 2


def test_load_reads_the_configuration_file(tmp_path):
    config = NodeConfig(domain="alerts.example", username="alerts", name="Org", database_url="sqlite:///x.db",
                        data_dir=tmp_path / "node")
    config.save()
    settings = Settings.load(tmp_path / "node", {"AAN_QUEUE_LEASE": "12"})
    assert settings.node.handle == "alerts@alerts.example" and settings.node.database_url == "sqlite:///x.db"
    assert settings.node.data_dir == tmp_path / "node" and settings.queue_lease == 12.0
    moved = Settings.load(tmp_path / "node", {"AAN_DATABASE_URL": "postgres://aan@db/aan"})
    assert moved.node.database_url == "postgres://aan@db/aan"  # the environment's database wins
    assert NodeConfig.load(tmp_path / "node").database_url == "sqlite:///x.db"  # the file is not rewritten
    with pytest.raises(errors.ConfigurationError):
        Settings.load(tmp_path / "none", {})
    with pytest.raises(errors.ConfigurationError):
        Settings.from_environ({}).node  # noqa: B018 - no configuration read


def test_the_cli_refuses_a_bad_environment_in_one_line_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("AAN_QUEUE_LEASE", "soon")
    result = aan("init", "--domain", "127.0.0.1:9", "--name", "Org", data_dir=tmp_path / "n", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["aan: error: AAN_QUEUE_LEASE='soon' is not a number of seconds"]
    assert not (tmp_path / "n").exists()


def test_the_cli_uses_the_environments_database(tmp_path, monkeypatch):
    """``AAN_DATABASE_URL`` is the default of ``aan init --db`` and replaces the file's database after."""
    other = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("AAN_DATABASE_URL", f"sqlite://{other}")
    aan("init", "--domain", "127.0.0.1:9", "--name", "Org", "--insecure-http", data_dir=tmp_path / "n")
    assert other.exists() and not (tmp_path / "n" / "aan.sqlite3").exists()
    assert NodeConfig.load(tmp_path / "n").database_url == f"sqlite://{other}"
    assert "#main-key" in aan("keys", "show", data_dir=tmp_path / "n").stdout
    monkeypatch.setenv("AAN_DATABASE_URL", f"sqlite://{tmp_path / 'empty.sqlite3'}")
    result = aan("keys", "show", data_dir=tmp_path / "n", check=False, timeout=30)
    assert result.returncode == 2 and "cannot open the database" in result.stderr
