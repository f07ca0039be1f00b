"""``aan alert publish|update|delete|pin|list`` and ``aan profile``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from node.cli._base import CliError, open_node


def _read_alert(path: str):
    from node.alerts import AlertError, parse_alert_file

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return parse_alert_file(text)
    except AlertError as exc:
        raise CliError(f"{path}: {exc}") from None


async def cmd_alert_publish(args: argparse.Namespace) -> None:
    from node.services import alerts

    alert = _read_alert(args.file)
    async with open_node(args) as node:
        row = await alerts.publish(node, alert, force=args.force)
    print(node.urls.alert(row.id))


async def cmd_alert_update(args: argparse.Namespace) -> None:
    from node.activitypub import outbox

    alert = _read_alert(args.file)
    async with open_node(args) as node:
        row = await outbox.update_alert(node.urls, outbox.alert_id_from(node.urls, args.id), alert)
    print(node.urls.alert(row.id))


async def cmd_alert_delete(args: argparse.Namespace) -> None:
    from node.activitypub import outbox

    async with open_node(args) as node:
        row = await outbox.delete_alert(node.urls, outbox.alert_id_from(node.urls, args.id),
                                        data_dir=node.config.data_dir)
    print(f"deleted {node.urls.alert(row.id)}")


async def cmd_alert_pin(args: argparse.Namespace) -> None:
    from node.activitypub import outbox

    async with open_node(args) as node:
        row = await outbox.set_featured(node.urls, outbox.alert_id_from(node.urls, args.id), not args.unpin)
    print(f"{'unpinned' if args.unpin else 'pinned'} {node.urls.alert(row.id)}")


async def cmd_alert_list(args: argparse.Namespace) -> None:
    from node.storage.models import Alert

    async with open_node(args) as node:
        rows = await Alert.all().order_by("-published", "-id")
        for row in rows:
            state = "deleted" if row.deleted_at else ("updated" if row.updated else "published")
            record = {"id": node.urls.alert(row.id), "headline": row.headline, "country": row.country,
                      "published": row.published.isoformat(), "state": state}
            print(json.dumps(record) if args.json else
                  f"{record['id']}  {row.published:%Y-%m-%d %H:%M}  {state:9}  {row.country}  {row.headline}")


async def cmd_profile(args: argparse.Namespace) -> None:
    """Show or change the organisation's profile; changes are sent to followers."""
    from node.activitypub import outbox
    from node.ops.keys import bump_actors_version

    fields = []
    for item in args.field or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--field {item!r}: expected NAME=VALUE")
        fields.append({"name": name.strip()[:255], "value": value.strip()[:2047]})
    async with open_node(args) as node:
        actor = node.org
        changed = False
        if args.name is not None:
            actor.name, changed = args.name, True
        if args.summary is not None:
            actor.summary, changed = args.summary, True
        if fields or args.clear_fields:
            actor.profile_fields, changed = ([] if args.clear_fields else list(actor.profile_fields or [])) + fields, True
        if changed:
            await actor.save()
            await bump_actors_version()  # running servers reload the profile
            await outbox.send_actor_update(actor, node.urls, clearinghouse=node.config.role == "clearinghouse")
        print(json.dumps({"name": actor.name, "summary": actor.summary, "fields": actor.profile_fields}, indent=2))


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
