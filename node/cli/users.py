"""``aan user add|password|remove|list``: staff accounts of the web interface."""

from __future__ import annotations

import argparse
import sys

from node.cli._base import CliError, open_node


async def cmd_user(args: argparse.Namespace) -> None:
    """Staff accounts of the web interface: add, list, remove, set a new password."""
    from node.services import users

    password = None
    if args.user_command in ("add", "password"):
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CliError("no password on standard input")
        else:
            password = users.generate_password()
    async with open_node(args):
        if args.user_command == "add":
            await users.add(args.name, password, args.role, can_sign=args.can_sign)
            print(f"created {args.role} {args.name}" + (" (may sign joint statements)" if args.can_sign else ""))
        elif args.user_command == "password":
            await users.set_password(await users.find(args.name), password)
            print(f"new password set for {args.name}; their sessions were logged out")
        elif args.user_command == "can-sign":
            await users.set_can_sign(await users.find(args.name), args.allowed == "yes")
            print(f"{args.name} {'may' if args.allowed == 'yes' else 'may not'} sign joint statements"
                  + (" (administrators always may)" if args.allowed == "no" else ""))
        elif args.user_command == "remove":
            await users.remove(await users.find(args.name))  # their drafts and schedules stay
            print(f"removed {args.name}")
        else:
            for user in await users.listing():
                signs = "  can sign" if user.role != "admin" and user.can_sign else ""
                print(f"{user.username:24} {user.role:7} created {user.created_at:%Y-%m-%d}{signs}")
    if password and not args.password_stdin:
        print(f"password: {password}  (shown once; store it safely)")


def register(sub, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", parents=[common], help="staff accounts of the web interface (/admin)")
    usub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = usub.add_parser("add", parents=[common], help="add a user (a password is generated and printed once)")
    p.add_argument("name")
    p.add_argument("--role", choices=("admin", "editor"), default="editor",
                   help="editors write and publish; admins also manage users and settings")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--can-sign", action="store_true",
                   help="an editor who may sign joint statements in the organisation's name (admins always may)")
    p.set_defaults(func=cmd_user)
    p = usub.add_parser("can-sign", parents=[common], help="let an editor sign joint statements (yes) or not (no)")
    p.add_argument("name")
    p.add_argument("allowed", choices=("yes", "no"))
    p.set_defaults(func=cmd_user)
    p = usub.add_parser("password", parents=[common], help="set a new password (generated unless --password-stdin)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_user)
    p = usub.add_parser("remove", parents=[common], help="remove a user")
    p.add_argument("name")
    p.set_defaults(func=cmd_user)
    p = usub.add_parser("list", parents=[common], help="list users and roles")
    p.set_defaults(func=cmd_user)
