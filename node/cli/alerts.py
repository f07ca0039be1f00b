"""``aan alert publish|update|delete|pin|list`` and ``aan profile``."""

from __future__ import annotations

import argparse
import json

from node.cli._base import CliError, open_node, read_text


def _read_alert(path: str):
    from node.alerts import AlertError, parse_alert_file

    text = read_text(path)
    try:
        return parse_alert_file(text)
    except AlertError as exc:
        raise CliError(f"{path}: {exc}") from None


async def cmd_alert_publish(args: argparse.Namespace) -> None:
    from node.services import alerts

    alert = _read_alert(args.file)
    async with open_node(args) as node:
        row = await alerts.publish(node, alert, force=getattr(args, "force", False))  # `aan demo` passes none
    print(node.urls.alert(row.id))


async def cmd_alert_update(args: argparse.Namespace) -> None:
    from node.services import alerts

    alert = _read_alert(args.file)
    async with open_node(args) as node:
        row = await alerts.update(node, args.id, alert)
    print(node.urls.alert(row.id))


async def cmd_alert_delete(args: argparse.Namespace) -> None:
    from node.services import alerts

    async with open_node(args) as node:
        row = await alerts.delete(node, args.id)
    print(f"deleted {node.urls.alert(row.id)}")


async def cmd_alert_pin(args: argparse.Namespace) -> None:
    from node.services import alerts

    async with open_node(args) as node:
        row = await alerts.pin(node, args.id, not args.unpin)
    print(f"{'unpinned' if args.unpin else 'pinned'} {node.urls.alert(row.id)}")


async def cmd_alert_list(args: argparse.Namespace) -> None:
    from node.services import alerts

    async with open_node(args) as node:
        for row in await alerts.list_alerts(node):
            state = alerts.state(row)
            record = {"id": node.urls.alert(row.id), "headline": row.headline, "country": row.country,
                      "published": row.published.isoformat(), "state": state}
            print(json.dumps(record) if args.json else
                  f"{record['id']}  {row.published:%Y-%m-%d %H:%M}  {state:9}  {row.country}  {row.headline}")


async def cmd_profile(args: argparse.Namespace) -> None:
    """Show or change the organisation's profile; changes are sent to followers."""
    from node.services import profile

    fields = []
    for item in args.field or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--field {item!r}: expected NAME=VALUE")
        fields.append({"name": name.strip(), "value": value.strip()})
    async with open_node(args) as node:
        if args.name is not None or args.summary is not None or fields or args.clear_fields:
            kept = [] if args.clear_fields else list(node.org.profile_fields or [])
            shown = await profile.update(node, name=args.name, summary=args.summary,
                                         fields=kept + fields if fields or args.clear_fields else None)
        else:
            shown = await profile.show(node)
        print(json.dumps(shown.as_dict(), indent=2))


def register(sub, common: argparse.ArgumentParser) -> None:
    alert = sub.add_parser("alert", parents=[common], help="publish, update, delete, list alerts")
    asub = alert.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    p = asub.add_parser("publish", parents=[common], help="publish FILE.md; prints the new alert's URL (its id)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true",
                   help="publish even if an alert with the same headline, target and incident date exists")
    p.set_defaults(func=cmd_alert_publish)
    p = asub.add_parser("update", parents=[common], help="replace alert ID with FILE.md (sends Update)")
    p.add_argument("id")
    p.add_argument("file")
    p.set_defaults(func=cmd_alert_update)
    p = asub.add_parser("delete", parents=[common], help="delete alert ID (sends Delete)")
    p.add_argument("id")
    p.set_defaults(func=cmd_alert_delete)
    p = asub.add_parser("pin", parents=[common], help="feature alert ID on the profile (or --unpin)")
    p.add_argument("id")
    p.add_argument("--unpin", action="store_true")
    p.set_defaults(func=cmd_alert_pin)
    p = asub.add_parser("list", parents=[common], help="list alerts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_alert_list)

    p = sub.add_parser("profile", parents=[common], help="show or change the organisation's profile")
    p.add_argument("--name")
    p.add_argument("--summary")
    p.add_argument("--field", action="append", metavar="NAME=VALUE", help="add a profile field (repeatable)")
    p.add_argument("--clear-fields", action="store_true", help="remove existing fields first")
    p.set_defaults(func=cmd_profile)
