"""``aan followers|deliveries|follow|following|received``: who this node talks to, and what is in flight."""

from __future__ import annotations

import argparse
import json

from node.cli._base import open_node


async def cmd_followers(args: argparse.Namespace) -> None:
    from node.services import follows

    async with open_node(args) as node:
        by_host = await follows.followers(node)
        for host, items in by_host.items():
            print(f"{host}  ({len(items)})")
            for row in items:
                print(f"  {row.actor_uri}  since {row.created_at:%Y-%m-%d %H:%M}")
        print(f"{sum(len(items) for items in by_host.values())} follower(s)")


async def cmd_deliveries(args: argparse.Namespace) -> None:
    from node.services import follows

    async with open_node(args) as node:
        groups = await follows.deliveries(node, failed=args.failed)
        for group in groups:
            parked = f", parked until {group.parked_until:%Y-%m-%d %H:%M}" if group.parked_until else ""
            print(f"{group.host}  {len(group.deliveries)} {'failed' if args.failed else 'pending'}{parked}")
            for row in group.deliveries:
                print(f"  {row.activity.type} {row.activity.uri} -> {row.inbox}  attempts={row.attempts}"
                      f"  next={row.next_try:%H:%M:%S}  last={row.last_status or '-'} {row.last_error or ''}"[:300])
        count = sum(len(group.deliveries) for group in groups)
        print(f"{count} {'failed' if args.failed else 'pending'} deliver{'y' if count == 1 else 'ies'}")


async def cmd_follow(args: argparse.Namespace) -> None:
    from node.services import follows

    async with open_node(args) as node:
        if args.undo:
            target = await follows.unfollow(node, args.target)
            print(f"unfollowing {target.uri}")
        else:
            target = await follows.follow(node, args.target)
            print(f"follow requested: {target.uri}")


async def cmd_following(args: argparse.Namespace) -> None:
    from node.services import follows

    async with open_node(args) as node:
        for row in await follows.following(node):
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
    from node.services import follows

    async with open_node(args) as node:
        for row in await follows.received(node, include_deleted=args.all):
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
