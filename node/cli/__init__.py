"""The ``aan`` command line: one module per command group, each defining its subcommands beside their code.

Every command takes ``--data-dir DIR`` (default ``./aan-data``, or ``AAN_DATA_DIR``).
Errors are one line on stderr and a non-zero exit; they change nothing. Commands raise
the kinds of :mod:`node.errors`; :func:`main` maps them to the message and exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from node import errors
from node.cli import alerts, clearinghouse, federation, joint, lifecycle, operations, users
from node.cli._base import CliError, common_parser
from node.config import Settings

__all__ = ["CliError", "build_parser", "main"]

GROUPS = (lifecycle, alerts, federation, joint, users, clearinghouse, operations)


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(prog="aan", description="Action Alert Network node", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous_umask = os.umask(0o077)  # every file the node creates is its user's alone (0600, 0700)
    try:
        # The environment is read here, once; commands take it from args.settings.
        args.settings = Settings.from_environ(data_dir=getattr(args, "data_dir", None) or None)
        if getattr(args, "sync", False):
            args.func(args)
        elif getattr(args.func, "uvloop", False):  # long-running network work (`aan worker`), as `aan serve`
            import uvloop

            uvloop.run(args.func(args))
        else:
            asyncio.run(args.func(args))
    except errors.AanError as exc:
        print(f"aan: error: {exc.detail}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    finally:
        os.umask(previous_umask)
    return 0
