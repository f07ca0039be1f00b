"""``aan joint propose FILE.md | edit ID FILE.md | list | show ID | sign ID | decline ID | withdraw ID | close ID | verify URL``."""

from __future__ import annotations

import argparse
import json

from node.cli._base import CliError, open_node, read_text


def _read(path: str):
    from node.services.joint import ProposalError, parse_proposal

    text = read_text(path)
    try:
        return parse_proposal(text)
    except ProposalError as exc:
        if exc.fields:
            raise CliError(f"{path}: " + "; ".join(f"{name}: {msg}" for name, msg in exc.fields.items()),
                           fields=exc.fields) from None
        raise CliError(f"{path}: {exc.detail}") from None


async def cmd_propose(args: argparse.Namespace) -> None:
    from node.services import joint

    proposal = _read(args.file)
    async with open_node(args) as node:
        row = await joint.propose(node, proposal)
    print(row.uri)


async def cmd_edit(args: argparse.Namespace) -> None:
    from node.services import joint

    proposal = _read(args.file)
    async with open_node(args) as node:
        row = await joint.edit(node, args.id, proposal)
    print(f"{row.uri}  version {row.version}")


async def cmd_list(args: argparse.Namespace) -> None:
    from node.services import joint

    async with open_node(args) as node:
        for item in await joint.list_actions(node):
            row = item.action
            if args.json:
                print(json.dumps({"id": row.id, "uri": row.uri, "own": row.own, "state": item.state,
                                  "title": row.title, "signatures": item.signatures, "version": row.version,
                                  "proposer": row.proposer_uri}))
            else:
                print(f"{row.id}  {item.state}  {row.title}  {item.signatures} signature(s)")


async def cmd_show(args: argparse.Namespace) -> None:
    from node.services import joint

    async with open_node(args) as node:
        row = await joint.get_action(node, args.id)
        print(f"{row.uri}\n{row.title} ({row.language}), version {row.version}, proposed by {row.proposer_uri}")
        if row.deadline:
            print(f"deadline {row.deadline.isoformat()}")
        if row.own:
            current, earlier = await joint.signatures(node, row)
            for s in current:
                print(f"signed  {s.signer_uri}  {s.signer_name}")
            for s in earlier:
                print(f"signed version {s.version}  {s.signer_uri}  {s.signer_name}")
            for invitation in await joint.invitations(node, row):
                print(f"invited{' (network)' if invitation.network else ''}  {invitation.invitee_uri}  "
                      f"{invitation.state}")
        print()
        print(row.text)
        for lang, version in (row.translations or {}).items():
            if isinstance(version, dict):
                print(f"\n--- translation {lang}: {version.get('title', '')}\n")
                print(version.get("text", ""))


def _answer(name: str):
    async def command(args: argparse.Namespace) -> None:
        from node.services import joint

        async with open_node(args) as node:
            row = await getattr(joint, name)(node, args.id)
        print(f"{row.id}  {row.state}  {row.uri}")

    command.__name__ = f"cmd_{name}"
    return command


async def cmd_verify(args: argparse.Namespace) -> None:
    from node.services import joint

    async with open_node(args) as node:
        note, results = await joint.verify(node, args.url)
    for r in results:
        verdict = "valid" if r.valid else ("not counted" if not r.counted else "invalid")
        print(f"{verdict}  {r.signer}  {r.name}" + ("" if r.valid else f"  ({r.reason})"))
    bad = [r for r in results if r.counted and not r.valid]
    if bad:
        raise joint.VerificationFailed(f"{len(bad)} of {sum(r.counted for r in results)} signature(s) invalid")
    print(f"{sum(r.counted for r in results)} valid signature(s) of {args.url}")


def register(sub, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("joint", parents=[common], help="joint actions: propose, sign, verify statements")
    jsub = group.add_subparsers(dest="joint_command", required=True, metavar="ACTION")
    p = jsub.add_parser("propose", parents=[common], help="propose FILE.md; prints the statement's URL (its id)")
    p.add_argument("file")
    p.set_defaults(func=cmd_propose)
    p = jsub.add_parser("edit", parents=[common], help="replace the text of our statement ID with FILE.md "
                        "(a changed text reopens signing)")
    p.add_argument("id")
    p.add_argument("file")
    p.set_defaults(func=cmd_edit)
    p = jsub.add_parser("list", parents=[common], help="one line per joint action: id, state, title, signatures")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = jsub.add_parser("show", parents=[common], help="the text, signatories and invitations of ID")
    p.add_argument("id")
    p.set_defaults(func=cmd_show)
    for name, text in (("sign", "sign the statement ID we were invited to (sends a signed Accept)"),
                       ("decline", "decline the invitation ID (sends Reject)"),
                       ("withdraw", "withdraw our signature of ID while it is open (sends Undo)"),
                       ("close", "take no more signatures for our statement ID")):
        p = jsub.add_parser(name, parents=[common], help=text)
        p.add_argument("id")
        p.set_defaults(func=_answer(name))
    p = jsub.add_parser("verify", parents=[common], help="check every signature of the statement at URL; "
                        "exits non-zero if one is invalid")
    p.add_argument("url")
    p.set_defaults(func=cmd_verify)
