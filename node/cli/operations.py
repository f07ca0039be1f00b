"""The operator's commands: ``aan backup``, ``aan restore``, ``aan keys``, ``aan block``, ``aan ingest log``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from node.cli._base import CliError, data_dir, load_config, open_node

# --- backup and restore -------------------------------------------------------------------------

async def cmd_backup(args: argparse.Namespace) -> None:
    from node.ops import backup

    config = load_config(args)
    target = Path(args.file)
    if target.exists() and not args.force:
        raise CliError(f"{target} exists (pass --force to replace it)")
    async with open_node(config):
        manifest = await backup.backup(config, target, full=args.full)
    rows = sum(manifest["tables"].values())
    print(f"backed up @{config.handle} to {target}: {rows} rows in {len(manifest['tables'])} tables"
          f"{' (with finished queue rows)' if args.full else ''}; it holds private keys, keep it secret")


async def cmd_restore(args: argparse.Namespace) -> None:
    from node.ops import backup
    from node.storage import db

    if args.db:
        try:
            db.dialect(args.db)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    directory = data_dir(args)
    config, manifest = await backup.restore(Path(args.file), directory, database_url=args.db)
    from node.ops.privacy import make_private

    make_private(directory, config.database_url)  # the archive's modes do not matter: 0700 and 0600
    print(f"restored @{config.handle} into {directory} ({db.dialect(config.database_url)}); "
          f"{manifest['tables'].get('followers', 0)} followers, {manifest['tables'].get('alerts', 0)} alerts. "
          f"Point DNS at this machine and run 'aan serve'.")


# --- keys ---------------------------------------------------------------------------------------

async def cmd_keys(args: argparse.Namespace) -> None:
    from node.activitypub.actors import INSTANCE_USERNAME
    from node.services import keys

    async with open_node(args) as node:
        if args.keys_command == "show":
            for key_id, fingerprint in await keys.show(node):
                print(f"{key_id}  {fingerprint}")
            for method, multibase in await keys.show_assertion_keys(node):
                print(f"{method}  {multibase}")
            return
        username = args.actor or node.config.username
        actor, old, told = await keys.rotate(node, username, delay=node.settings.refresh_seconds + 2)
        from node.ops.privacy import make_private

        make_private(node.config.data_dir, node.config.database_url)  # the new key is in the database
        print(f"rotated the key of {node.key_id(username)}: {old} -> {keys.fingerprint(actor.public_key_pem)}")
        if username != INSTANCE_USERNAME:  # the instance actor publishes no integrity-proof key
            print(f"rotated the integrity-proof key {node.urls.actor(username)}#ed25519-key: "
                  f"{actor.ed25519_public_key}")
        if told:
            print(f"Update(actor) queued to {told} follower(s); it leaves in {node.settings.refresh_seconds + 2:.0f} s, "
                  "once running processes have loaded the new key")


# --- domain blocks ------------------------------------------------------------------------------

async def cmd_block(args: argparse.Namespace) -> None:
    from node.services import blocks

    async with open_node(args) as node:
        await _block(args, node.config, blocks)


async def _block(args, config, blocks) -> None:
    action = args.block_command
    if action in ("add", "allow"):
        row = await blocks.add(args.domain, kind="block" if action == "add" else "allow",
                               reason=args.reason or "", own=config.domain)
        print(f"{'blocked' if row.kind == 'block' else 'allowed'} {row.domain}"
              f"{' (and its subdomains)' if ':' not in row.domain else ''}")
    elif action == "remove":
        removed = await blocks.remove(args.domain)
        print(f"removed {blocks.normalise(args.domain)}" if removed else f"{args.domain} was not listed")
    elif action == "list":
        mode = await blocks.get_mode()
        rows = await blocks.listing()
        if args.json:
            print(json.dumps({"mode": mode, "domains": [
                {"domain": r.domain, "kind": r.kind, "reason": r.reason} for r in rows]}, indent=2))
            return
        print(f"mode: {mode}")
        for row in rows:
            print(f"{row.kind:5}  {row.domain}  {row.reason}".rstrip())
        print(f"{sum(r.kind == 'block' for r in rows)} blocked, {sum(r.kind == 'allow' for r in rows)} allowed")
    elif action == "import":
        await _import(args, config, blocks)
    elif action == "mode":
        if args.mode:
            await blocks.set_mode(args.mode)
            allowed = sum(r.kind == "allow" for r in await blocks.listing())
            print(f"federation mode: {args.mode}"
                  + (f" ({allowed} allowed domain(s); everyone else is refused)" if args.mode == "allowlist" else ""))
        else:
            print(f"federation mode: {await blocks.get_mode()}")


async def _import(args, config, blocks) -> None:
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    done = await blocks.import_list(text, name=args.file, kind="allow" if args.allow else "block",
                                    reason=args.reason, own=config.domain)
    print(f"{'allowed' if args.allow else 'blocked'} {done.new} new domain(s), updated {done.updated}, "
          f"skipped {len(done.skipped)}")
    for line, why in done.skipped[:20]:
        print(f"  skipped {line}: {why}")


# --- ingest log ---------------------------------------------------------------------------------

async def cmd_ingest_log(args: argparse.Namespace) -> None:
    """The last activities the inbox refused or ignored, oldest first: one line each (or JSON Lines)."""
    from node.services import ingest_log

    async with open_node(args) as node:
        rows = await ingest_log.recent(node, limit=args.limit, reason=args.reason)
        for row in rows:
            if args.json:  # JSON Lines: one object per line
                print(json.dumps(ingest_log.record(row), ensure_ascii=False))
                continue
            print(f"{row.at:%Y-%m-%d %H:%M:%S}  {row.status}  {row.reason:16}  {row.type or '-':8}  "
                  f"{row.actor_uri or row.host or '-'}  {row.activity_id or '-'}")
        if not args.json:
            print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}"
                  + (f" with reason {args.reason}" if args.reason else ""))


# --- parser -------------------------------------------------------------------------------------

def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="write a portable archive of this node (FILE.tar.gz)")
    p.add_argument("file")
    p.add_argument("--full", action="store_true", help="also finished queue rows (delivery history)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common],
                       help="create a node in a fresh --data-dir from a backup archive")
    p.add_argument("file")
    p.add_argument("--db", help="database URL to restore into (must be empty; default SQLite in the data dir)")
    p.set_defaults(func=cmd_restore)

    keys = sub.add_parser("keys", parents=[common], help="show or rotate signing keys")
    ksub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    p = ksub.add_parser("show", parents=[common], help="keyIds and key fingerprints")
    p.set_defaults(func=cmd_keys)
    p = ksub.add_parser("rotate", parents=[common],
                        help="new key pair under the same keyId; sends Update(actor) to followers")
    p.add_argument("--actor", help="username (default: the organisation; 'actor' is the instance actor)")
    p.set_defaults(func=cmd_keys)

    block = sub.add_parser("block", parents=[common], help="domain blocks and allow-list mode")
    bsub = block.add_subparsers(dest="block_command", required=True, metavar="ACTION")
    for name, helptext in (("add", "block DOMAIN (and its subdomains)"),
                           ("allow", "allow DOMAIN in allow-list mode")):
        p = bsub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("domain")
        p.add_argument("--reason", default="")
        p.set_defaults(func=cmd_block)
    p = bsub.add_parser("remove", parents=[common], help="remove DOMAIN from the list (block or allow)")
    p.add_argument("domain")
    p.set_defaults(func=cmd_block)
    p = bsub.add_parser("list", parents=[common], help="the mode and every listed domain")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_block)
    p = bsub.add_parser("import", parents=[common],
                        help="block every domain in FILE (Mastodon CSV export, or one domain per line)")
    p.add_argument("file")
    p.add_argument("--allow", action="store_true", help="FILE is an allow-list instead")
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_block)
    p = bsub.add_parser("mode", parents=[common], help="show or set: blocklist (default) or allowlist")
    p.add_argument("mode", nargs="?", choices=("blocklist", "allowlist"))
    p.set_defaults(func=cmd_block)

    ingest = sub.add_parser("ingest", parents=[common], help="what the inbox refused or ignored")
    isub = ingest.add_subparsers(dest="ingest_command", required=True, metavar="ACTION")
    p = isub.add_parser("log", parents=[common],
                        help="the last refused or ignored activities: time, status, reason, type, actor, id")
    p.add_argument("--limit", type=int, default=50, help="how many (default 50; the log keeps AAN_INGEST_LOG_KEEP)")
    p.add_argument("--reason", help="only this reason (the metrics' label: signature, not_a_member, duplicate...)")
    p.add_argument("--json", action="store_true", help="JSON Lines: one JSON object per line")
    p.set_defaults(func=cmd_ingest_log)
