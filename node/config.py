"""Node configuration: written by ``aan init`` into the data directory, read by every command."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from node.errors import ConfigurationError
from node.urls import Urls

CONFIG_FILE = "config.json"
ROLES = ("member", "clearinghouse")
BOOST_POLICIES = ("first-and-updates", "all", "first-only")


class ConfigError(ConfigurationError):
    """The data directory is missing or its configuration is unusable."""


@dataclass
class NodeConfig:
    domain: str
    username: str
    name: str
    role: str = "member"
    database_url: str = ""
    insecure_http: bool = False
    review: bool = False  # clearinghouse: hold incoming alerts until an editor approves them
    boost_policy: str = "first-and-updates"  # clearinghouse: see docs/clearinghouse.md
    session_idle_hours: float = 12.0  # web interface: a staff session unused this long ends
    data_dir: Path = Path("aan-data")

    def __post_init__(self) -> None:
        if isinstance(self.session_idle_hours, bool) or not isinstance(self.session_idle_hours, int | float) \
                or not 0 < self.session_idle_hours <= 14 * 24:
            raise ValueError("session_idle_hours must be a number of hours above 0 and at most 336 (14 days)")

    @property
    def urls(self) -> Urls:
        return Urls(self.domain, "http" if self.insecure_http else "https")

    @property
    def handle(self) -> str:
        return f"{self.username}@{self.domain}"

    def save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data.pop("data_dir")
        (self.data_dir / CONFIG_FILE).write_text(json.dumps(data, indent=2) + "\n")

    @classmethod
    def load(cls, data_dir: Path) -> NodeConfig:
        path = data_dir / CONFIG_FILE
        if not path.exists():
            raise ConfigError(f"no node in {data_dir} (run 'aan init' first, or pass --data-dir)")
        try:
            data = json.loads(path.read_text())
            return cls(data_dir=data_dir, **data)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path} is not a valid node configuration: {exc}") from exc


# --- settings: the configuration file plus the environment, read once at start -----------------

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _number(name: str, raw: str, *, minimum: float, strict: bool = True) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        raise ConfigError(f"{name}={raw!r} must be a number of seconds {'above' if strict else 'of at least'} "
                          f"{minimum:g}")
    return value


def _count(name: str, raw: str, *, minimum: int) -> int:
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise ConfigError(f"{name}={raw!r} is not a whole number of at least {minimum}")
    return int(raw)


def _port(name: str, raw: str) -> int:
    if not raw.strip().isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigError(f"{name}={raw!r} is not a port number (0 to 65535)")
    return int(raw)


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={raw!r} must be one of {', '.join(choices)}")
    return value


def _database_url(name: str, raw: str) -> str:
    from node.storage import db

    try:
        db.dialect(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything a process reads from its environment (``AAN_*``) and its data directory's
    configuration file, read once by the entry point (the CLI, ``create_app``) and handed down:
    the running node holds it as ``node.settings``. Nothing else reads the environment.
    A bad value is a :class:`ConfigError` naming the variable.
    """

    data_dir: Path = Path("aan-data")  # AAN_DATA_DIR, or --data-dir
    database_url: str | None = None  # AAN_DATABASE_URL: overrides the configuration file's
    upload_deadline: float = 10.0  # AAN_UPLOAD_DEADLINE: seconds for a whole inbox request body
    refresh_seconds: float = 5.0  # AAN_REFRESH_SECONDS: how often processes reload blocks and keys
    log_format: str = "text"  # AAN_LOG_FORMAT: text | json
    log_level: str = "warning"  # AAN_LOG_LEVEL
    scheduler_poll: float = 1.0  # AAN_SCHEDULER_POLL: seconds between looks for due scheduled drafts
    shutdown_grace: float = 15.0  # AAN_SHUTDOWN_GRACE: seconds for work in flight at shutdown
    queue_lease: float = 30.0  # AAN_QUEUE_LEASE: seconds a worker's claim on a queue row holds
    metrics_token: str | None = None  # AAN_METRICS_TOKEN: bearer token /metrics asks for
    metrics_port: int = 0  # AAN_METRICS_PORT: aan worker's default --metrics-port (0: off)
    ingest_log_keep: int = 1000  # AAN_INGEST_LOG_KEEP: refused or ignored activities kept for aan ingest log
    config: NodeConfig | None = None  # the data directory's config.json (None: not read, or no node yet)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, *,
                     data_dir: Path | str | None = None) -> Settings:
        """The settings of the environment (``os.environ`` by default); ``data_dir`` overrides
        ``AAN_DATA_DIR``. The configuration file is not read (see :meth:`load`)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value if value is not None and value.strip() != "" else None

        values: dict = {}
        if data_dir is not None or get("AAN_DATA_DIR"):
            values["data_dir"] = Path(data_dir if data_dir is not None else get("AAN_DATA_DIR"))
        if raw := get("AAN_DATABASE_URL"):
            values["database_url"] = _database_url("AAN_DATABASE_URL", raw.strip())
        for name, attr, minimum, strict in (("AAN_UPLOAD_DEADLINE", "upload_deadline", 0, True),
                                            ("AAN_REFRESH_SECONDS", "refresh_seconds", 0, True),
                                            ("AAN_SCHEDULER_POLL", "scheduler_poll", 0, True),
                                            ("AAN_SHUTDOWN_GRACE", "shutdown_grace", 0, False),
                                            ("AAN_QUEUE_LEASE", "queue_lease", 0, True)):
            if (raw := get(name)) is not None:
                values[attr] = _number(name, raw, minimum=minimum, strict=strict)
        if (raw := get("AAN_LOG_FORMAT")) is not None:
            values["log_format"] = _choice("AAN_LOG_FORMAT", raw, LOG_FORMATS)
        if (raw := get("AAN_LOG_LEVEL")) is not None:
            values["log_level"] = _choice("AAN_LOG_LEVEL", raw, LOG_LEVELS)
        if (raw := get("AAN_METRICS_TOKEN")) is not None:
            values["metrics_token"] = raw
        if (raw := get("AAN_METRICS_PORT")) is not None:
            values["metrics_port"] = _port("AAN_METRICS_PORT", raw)
        if (raw := get("AAN_INGEST_LOG_KEEP")) is not None:
            values["ingest_log_keep"] = _count("AAN_INGEST_LOG_KEEP", raw, minimum=1)
        return cls(**values)

    @classmethod
    def load(cls, data_dir: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """The environment's settings and the node's configuration file (:class:`ConfigError` when
        there is no node in the data directory)."""
        return cls.from_environ(environ, data_dir=data_dir).read_config()

    def read_config(self) -> Settings:
        """These settings with the data directory's configuration file read."""
        config = NodeConfig.load(self.data_dir)
        return replace(self, config=self.apply(config))

    def apply(self, config: NodeConfig) -> NodeConfig:
        """``config`` as these settings run it: ``AAN_DATABASE_URL`` replaces its database."""
        if self.database_url and config.database_url != self.database_url:
            return replace(config, database_url=self.database_url)
        return config

    @property
    def node(self) -> NodeConfig:
        if self.config is None:
            raise ConfigError(f"no node in {self.data_dir} (run 'aan init' first, or pass --data-dir)")
        return self.config
