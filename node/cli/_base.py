"""What every command group shares: the data directory, the configuration, the open node.

Commands raise the kinds of :mod:`node.errors`; :func:`node.cli.main` prints the
detail as one line on stderr and exits with the kind's ``exit_code`` (2 for all of
them today). Nothing a failed command started is left half done: the node is
closed by :func:`open_node` whatever happens.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from node import errors
from node.config import NodeConfig, Settings

if TYPE_CHECKING:
    from node.service import Node


class CliError(errors.Invalid):
    """A command-line mistake the operator can correct: printed as one line, exit status 2."""


def read_text(path: str) -> str:
    """A file the user named (an alert, a joint action), or a clear CLI error."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings :func:`node.cli.main` read once at start (``args.settings``), ``--data-dir`` applied."""
    found = getattr(args, "settings", None)
    if found is None:  # a command called directly (tests, aan demo): read them now
        found = args.settings = Settings.from_environ(data_dir=getattr(args, "data_dir", None) or None)
    return found


def data_dir(args: argparse.Namespace) -> Path:
    return settings_of(args).data_dir


def load_config(args: argparse.Namespace, *, role: str | None = None) -> NodeConfig:
    """The node's configuration (``AAN_DATABASE_URL`` applied); ``role`` refuses a node of another role."""
    config = settings_of(args).read_config().node
    if role == "clearinghouse" and config.role != role:
        raise CliError("this command needs a node in the clearinghouse role (aan init --role clearinghouse)")
    return config


async def open_config(config: NodeConfig, node_settings: Settings | None = None) -> Node:
    from node.service import Node

    node = Node(config, settings=node_settings)
    try:
        await node.open()
    except errors.AanError:
        await node.close()  # the database too: an open connection would keep the process alive
        raise
    except Exception as exc:  # noqa: BLE001 - database unreachable and the like
        await node.close()
        raise errors.ConfigurationError(f"cannot open the database: {exc}") from None
    return node


@asynccontextmanager
async def open_node(args: argparse.Namespace | NodeConfig, *, role: str | None = None,
                    settings: Settings | None = None) -> AsyncIterator[Node]:
    """Open the node of ``args`` (or of a loaded configuration, run with ``settings``) for one
    command, and close it after."""
    config = args if isinstance(args, NodeConfig) else load_config(args, role=role)
    if settings is None and not isinstance(args, NodeConfig):
        settings = settings_of(args)
    node = await open_config(config, settings)
    try:
        yield node
    finally:
        await node.close()


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="node data directory (default ./aan-data, or $AAN_DATA_DIR)")
    return common
