"""``aan followers|deliveries|follow|following|received``: who this node talks to, and what is in flight."""

from __future__ import annotations

import argparse
import json

from node.cli._base import CliError, open_node


async def cmd_followers(args: argparse.Namespace) -> None:
    from node.storage.models import Follower

    async with open_node(args) as node:
        rows = await Follower.filter(local_actor=node.org).order_by("created_at")
        by_host: dict[str, list] = {}
        for row in rows:
            by_host.setdefault(row.actor_uri.split("/")[2], []).append(row)
        for host, items in sorted(by_host.items()):
            print(f"{host}  ({len(items)})")
            for row in items:
                print(f"  {row.actor_uri}  since {row.created_at:%Y-%m-%d %H:%M}")
        print(f"{len(rows)} follower(s)")


async def cmd_deliveries(args: argparse.Namespace) -> None:
    from node.storage import jobs

    async with open_node(args):
        statuses = ["failed"] if args.failed else ["pending", "running"]
        rows = await jobs.deliveries_in(statuses)
        hosts = await jobs.hosts()
        by_host: dict[str, list] = {}
        for row in rows:
            by_host.setdefault(row.host, []).append(row)
        for host, items in sorted(by_host.items()):
            health = hosts.get(host)
            parked = f", parked until {health.parked_until:%Y-%m-%d %H:%M}" if health and health.parked_until else ""
            print(f"{host}  {len(items)} {'failed' if args.failed else 'pending'}{parked}")
            for row in items:
                print(f"  {row.activity.type} {row.activity.uri} -> {row.inbox}  attempts={row.attempts}"
                      f"  next={row.next_try:%H:%M:%S}  last={row.last_status or '-'} {row.last_error or ''}"[:300])
        print(f"{len(rows)} {'failed' if args.failed else 'pending'} deliver{'y' if len(rows) == 1 else 'ies'}")


async def cmd_follow(args: argparse.Namespace) -> None:
    from node.activitypub import outbox
    from node.activitypub.fetch import FetchError
    from node.activitypub.remote import resolve

    async with open_node(args) as node:
        try:
            target = await resolve(node, args.target)
        except FetchError as exc:
            raise CliError(f"cannot resolve {args.target}: {exc.reason}") from None
        if args.undo:
            await outbox.send_undo_follow(node.org, node.urls, target)
            print(f"unfollowing {target.uri}")
        else:
            await outbox.send_follow(node.org, node.urls, target)
            print(f"follow requested: {target.uri}")


async def cmd_following(args: argparse.Namespace) -> None:
    from node.storage.models import Following

    async with open_node(args) as node:
        for row in await Following.filter(local_actor=node.org).order_by("created_at"):
            print(f"{row.target_uri}  {row.state}")


def _first_words(html: str, limit: int = 80) -> str:
    import re
    from html import unescape

    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html or "")).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _what_arrived(data: dict) -> dict:
    """Headline (or the first words), language and published time of a received object."""
    from node.activitypub import normalize

    alert = data.get("alert") if isinstance(data.get("alert"), dict) else {}
    content_map = data.get("contentMap") if isinstance(data.get("contentMap"), dict) else {}
    headline = alert.get("headline") or _first_words(normalize.text(data, "content") or "")
    language = alert.get("language") or next(iter(content_map), None)
    return {"headline": headline, "language": language, "published": normalize.string(data, "published")}


async def cmd_received(args: argparse.Namespace) -> None:
    """Objects received from actors we follow (and replies to our alerts)."""
    from node.activitypub import normalize
    from node.storage.models import RemoteObject

    async with open_node(args):
        query = RemoteObject.all() if args.all else RemoteObject.filter(deleted=False)
        for row in await query.order_by("received_at"):
            seen = _what_arrived(row.data)
            record = {"id": row.uri, "actor": row.actor_uri, "type": row.type, "deleted": row.deleted,
                      "in_reply_to": row.in_reply_to, "updated": normalize.string(row.data, "updated"),
                      "content": normalize.text(row.data, "content"), "has_alert": "alert" in row.data,
                      "via": row.via, **seen}
            if args.json:  # JSON Lines: one object per line
                print(json.dumps(record, ensure_ascii=False))
                continue
            when = (seen["published"] or "")[:16].replace("T", " ") or "-"
            print(f"{when:16}  {seen['language'] or '-':5}  {'deleted  ' if row.deleted else ''}"
                  f"{seen['headline'] or '(no text)'}\n    {row.uri}  from {row.actor_uri}")


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("followers", parents=[common], help="who follows this node, per host")
    p.set_defaults(func=cmd_followers)
    p = sub.add_parser("deliveries", parents=[common], help="pending (or --failed) deliveries, per host")
    p.add_argument("--failed", action="store_true")
    p.set_defaults(func=cmd_deliveries)
    p = sub.add_parser("follow", parents=[common], help="follow @user@host or an actor URL")
    p.add_argument("target")
    p.add_argument("--undo", action="store_true", help="unfollow instead")
    p.set_defaults(func=cmd_follow)
    p = sub.add_parser("following", parents=[common], help="actors this node follows")
    p.set_defaults(func=cmd_following)
    p = sub.add_parser("received", parents=[common], help="objects received from followed actors: headline, "
                       "language, published time")
    p.add_argument("--json", action="store_true", help="JSON Lines: one JSON object per line")
    p.add_argument("--all", action="store_true", help="include deleted objects")
    p.set_defaults(func=cmd_received)
