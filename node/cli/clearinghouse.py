"""``aan member``, ``aan review``, ``aan case``: the Clearing House's commands."""

from __future__ import annotations

import argparse
import json

from node.cli._base import load_config, open_node

ROLE = "clearinghouse"


async def cmd_member(args: argparse.Namespace) -> None:
    from node.services import members

    async with open_node(args, role=ROLE) as node:
        if args.member_command == "add":
            member = await members.add(node, args.target)
            print(f"follow sent to {member.handle} ({member.actor_uri}); pending until it accepts")
        elif args.member_command == "remove":
            member = await members.remove(node, args.target)
            print(f"removed {member.handle}")
        else:
            rows = await members.listing()
            for row in rows:
                print(json.dumps(row) if args.json else
                      f"{row['handle']:40}  {row['state']:11}  {row['alerts']:5} alerts  {row['name']}")
            if not args.json:
                print(f"{len(rows)} member(s)")


async def cmd_review(args: argparse.Namespace) -> None:
    from node.clearinghouse import review

    config = load_config(args, role=ROLE)
    if args.review_command in ("on", "off"):
        config.review = args.review_command == "on"
        config.save()
        print(f"editorial review is {args.review_command}")
        return
    async with open_node(config) as node:
        if args.review_command == "list":
            for row in await review.held():
                print(f"{row.uri}  {row.country}  {row.headline}")
        else:
            row = await review.decide(node, args.id, approve=args.review_command == "approve")
            print(f"{args.review_command}d {row.uri}: {row.boost if row.review == 'approved' else 'rejected'}")


async def cmd_case(args: argparse.Namespace) -> None:
    from node.clearinghouse import ingest
    from node.services import cases

    async with open_node(args, role=ROLE) as node:
        if args.case_command == "list":
            for summary in await cases.listing():
                case = summary.case
                if summary.retracted:  # no live alert, no text; only its id, and only with --all
                    if args.all:
                        print(f"{case.id}  retracted")
                    continue
                print(f"{case.id}  {case.country}  {case.incident_date:10}  {summary.alerts:3} alert(s)  {case.title}")
        elif args.case_command == "show":
            shown = await cases.show(args.id)
            case = shown.case
            if shown.retracted:
                print(f"case {case.id}: retracted")
            else:
                print(f"case {case.id}: {case.title} ({case.country}, {case.incident_date})")
            for row in shown.alerts:
                if row.deleted:
                    print(f"  {row.published:%Y-%m-%d %H:%M}  {row.member.handle}  retracted {row.uri}")
                    continue
                print(f"  {row.published:%Y-%m-%d %H:%M}  {row.member.handle}  {row.alert_type:8} {row.boost:8} "
                      f"{row.uri}  {row.headline}")
            for event in shown.events:
                print(f"  [{event.created_at:%Y-%m-%d %H:%M}] {event.kind} by {event.by}: {json.dumps(event.detail)}")
        elif args.case_command == "merge":
            case = await cases.merge(args.keep, args.other)
            print(f"merged {args.other} into {case.id}")
        elif args.case_command == "split":
            case = await ingest.split(node, args.id, args.alerts)  # the new case's first report is boosted
            print(f"new case {case.id} with {len(args.alerts)} alert(s)")


def register(sub, common: argparse.ArgumentParser) -> None:
    member = sub.add_parser("member", parents=[common], help="clearinghouse: add, list, remove members")
    msub = member.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    p = msub.add_parser("add", parents=[common], help="follow @alerts@host (or an actor URL) as a member")
    p.add_argument("target")
    p.set_defaults(func=cmd_member)
    p = msub.add_parser("remove", parents=[common], help="unfollow a member and stop boosting it")
    p.add_argument("target")
    p.set_defaults(func=cmd_member)
    p = msub.add_parser("list", parents=[common], help="members with state and alert count")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_member)

    rev = sub.add_parser("review", parents=[common], help="clearinghouse: editorial review of incoming alerts")
    rsub = rev.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    for name, helptext in (("list", "alerts held for review"), ("on", "hold incoming alerts from now on"),
                           ("off", "boost incoming alerts without review")):
        p = rsub.add_parser(name, parents=[common], help=helptext)
        p.set_defaults(func=cmd_review)
    for name in ("approve", "reject"):
        p = rsub.add_parser(name, parents=[common], help=f"{name} a held alert (its URL)")
        p.add_argument("id")
        p.set_defaults(func=cmd_review)

    case = sub.add_parser("case", parents=[common], help="clearinghouse: cases grouping members' alerts")
    csub = case.add_subparsers(dest="case_command", required=True, metavar="ACTION")
    p = csub.add_parser("list", parents=[common], help="current cases")
    p.add_argument("--all", action="store_true", help="also retracted cases (their id only)")
    p.set_defaults(func=cmd_case)
    p = csub.add_parser("show", parents=[common], help="a case's alerts and history")
    p.add_argument("id")
    p.set_defaults(func=cmd_case)
    p = csub.add_parser("merge", parents=[common], help="fold case OTHER into case KEEP")
    p.add_argument("keep")
    p.add_argument("other")
    p.set_defaults(func=cmd_case)
    p = csub.add_parser("split", parents=[common], help="move ALERT URLs of case ID into a new case")
    p.add_argument("id")
    p.add_argument("alerts", nargs="+")
    p.set_defaults(func=cmd_case)
