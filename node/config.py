"""Node configuration: written by ``aan init`` into the data directory, read by every command."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from node.errors import ConfigurationError
from node.urls import Urls

CONFIG_FILE = "config.json"
ROLES = ("member", "clearinghouse")
BOOST_POLICIES = ("first-and-updates", "all", "first-only")


class ConfigError(ConfigurationError):
    """The data directory is missing or its configuration is unusable."""


def default_data_dir() -> Path:
    return Path(os.environ.get("AAN_DATA_DIR", "./aan-data"))


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
