"""The ``aan`` command line.

Every command takes ``--data-dir DIR`` (default ``./aan-data``, or ``AAN_DATA_DIR``).
Errors are one line on stderr and a non-zero exit; they change nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from pathlib import Path

from node.config import BOOST_POLICIES, ROLES, ConfigError, NodeConfig, default_data_dir

EXAMPLE_ALERT = Path(__file__).parent / "examples" / "first-alert.md"
USERNAME_RE = re.compile(r"^[a-z0-9_]+([.-]+[a-z0-9_]+)*$", re.I)
DOMAIN_RE = re.compile(r"^[a-z0-9.-]+(:\d{1,5})?$", re.I)


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _data_dir(args) -> Path:
    return Path(args.data_dir) if getattr(args, "data_dir", None) else default_data_dir()


def _config(args) -> NodeConfig:
    try:
        return NodeConfig.load(_data_dir(args))
    except ConfigError as exc:
        raise CliError(str(exc)) from None


async def _open(config: NodeConfig):
    from node.service import Node

    node = Node(config)
    try:
        await node.open()
    except Exception as exc:  # noqa: BLE001 - database unreachable and the like
        await node.http.aclose()
        raise CliError(f"cannot open the database: {exc}") from None
    return node


# --- init ---------------------------------------------------------------------------------------

async def cmd_init(args) -> None:
    from node.activitypub.actors import INSTANCE_USERNAME
    from node.service import create_local_actor
    from node.storage import db
    from node.storage.models import LocalActor

    data_dir = _data_dir(args)
    if (data_dir / "config.json").exists():
        raise CliError(f"{data_dir} already holds a node (remove it or choose another --data-dir)")
    if not DOMAIN_RE.match(args.domain):
        raise CliError(f"invalid --domain {args.domain!r} (expected host or host:port)")
    if not USERNAME_RE.match(args.username):
        raise CliError(f"invalid --username {args.username!r} (letters, digits, _ . -)")
    if args.username == INSTANCE_USERNAME:
        raise CliError(f"--username {args.username!r} is reserved")
    url = args.db or f"sqlite://{(data_dir / 'aan.sqlite3').resolve()}"
    try:
        db.dialect(url)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    data_dir.mkdir(parents=True, exist_ok=True)
    config = NodeConfig(domain=args.domain, username=args.username, name=args.name, role=args.role,
                        database_url=url, insecure_http=args.insecure_http, data_dir=data_dir,
                        review=getattr(args, "review", False),
                        boost_policy=getattr(args, "boost_policy", "first-and-updates"))
    try:
        await db.migrate(url)
        await db.init(url)
    except Exception as exc:  # noqa: BLE001 - report the database problem in one line
        raise CliError(f"cannot set up the database {url}: {exc}") from None
    try:
        if await LocalActor.filter(username=args.username).exists():
            raise CliError(f"the database already holds actor {args.username!r}")
        await create_local_actor(args.username, args.name, "Organization", args.summary or "")
        if not await LocalActor.filter(username=INSTANCE_USERNAME).exists():
            await create_local_actor(INSTANCE_USERNAME, args.domain, "Application")
    finally:
        await db.close()
    config.save()
    print(f"created {args.role} node @{args.username}@{args.domain} in {data_dir}")


async def cmd_migrate(args) -> None:
    from node.ops.commands import migrate_locked
    from node.storage import db

    config = _config(args)
    applied = await migrate_locked(config.database_url)  # safe to run twice, or from two machines at once
    await db.close()
    print(f"applied {len(applied)} migration(s)" if applied else "schema is up to date")


# --- serving ------------------------------------------------------------------------------------

def _logging(level: str) -> None:
    from node.ops import logs

    logs.setup(level)  # text, or JSON lines with AAN_LOG_FORMAT=json; the activity id on each line


def cmd_serve(args) -> None:
    import uvicorn

    from node.app import create_app

    config = _config(args)
    sockets = None if getattr(args, "fd", None) is None else [_inherited_socket(args.fd)]
    _logging(args.log_level)
    app = create_app(config, run_workers=max(0, args.workers_in_process))
    server = uvicorn.Server(uvicorn.Config(
        app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
        loop="uvloop", http="httptools", ws="none", limit_concurrency=2048, timeout_graceful_shutdown=10,
        log_config=None,
        # longer than senders keep idle connections (aiohttp: 15 s), so a sender never reuses
        # a connection at the moment we close it ("Can not write request body", a 30 s retry)
        timeout_keep_alive=75))
    server.run(sockets=sockets)


def _inherited_socket(fd: int):
    """``--fd``: a listening socket inherited from a supervisor, or from a test harness that chose the
    port before ``aan init``; nothing to bind, so no other process can take the port in between."""
    import socket

    try:
        sock = socket.socket(fileno=fd)
    except OSError as exc:
        raise CliError(f"--fd {fd}: not an open socket ({exc.strerror})") from None
    if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
        sock.detach()
        raise CliError(f"--fd {fd}: not a listening stream socket")
    return sock


async def cmd_worker(args) -> None:
    import signal

    from node.ops import metrics
    from node.ops.runtime import Refresher
    from node.workers import Workers

    config = _config(args)
    _logging(os.environ.get("AAN_LOG_LEVEL", "warning"))
    node = await _open(config)
    if args.metrics_port:
        metrics.serve(args.metrics_port, args.metrics_host)
    refresher = Refresher(node)  # domain blocks and key rotations made by other processes
    refresher.start()
    workers = Workers(node, concurrency=args.concurrency)
    await workers.start()
    from node.app import settle_garbage_collector

    settle_garbage_collector()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"worker {workers.name} running", file=sys.stderr)
    await stop.wait()
    await workers.stop()  # finishes the POSTs in flight, releases every other claimed row
    await refresher.stop()
    await node.close()


async def cmd_demo(args) -> None:
    """Set up (once) a development node on 127.0.0.1:PORT with a first alert."""
    data_dir = _data_dir(args)
    if not (data_dir / "config.json").exists():
        await cmd_init(argparse.Namespace(
            data_dir=str(data_dir), domain=f"127.0.0.1:{args.port}", username="alerts",
            name="Demo Free Expression Group", role="member", db=None, insecure_http=True,
            summary="A demonstration node of the Action Alert Network."))
        await cmd_alert_publish(argparse.Namespace(data_dir=str(data_dir), file=str(EXAMPLE_ALERT)))
    config = _config(args)
    password = await _demo_admin(config)
    print(f"demo node: {config.urls.base}/  (actor @{config.handle}; Ctrl-C stops it)", file=sys.stderr)
    print(f"web interface: {config.urls.base}/login  user: {DEMO_ADMIN}  password: {password}", file=sys.stderr)


DEMO_ADMIN = "admin"


async def _demo_admin(config: NodeConfig) -> str:
    """The demo's admin account (created once; its password kept in the data directory to show again)."""
    from node.storage.models import User
    from node.webui import auth

    secret = config.data_dir / "demo-admin-password"
    node = await _open(config)
    try:
        if secret.exists() and await User.filter(username=DEMO_ADMIN).exists():
            return secret.read_text().strip()
        password = auth.generate_password()
        user = await User.filter(username=DEMO_ADMIN).first()
        if user is None:
            await auth.create_user(DEMO_ADMIN, password, "admin")
        else:
            await auth.set_password(user, password)
    finally:
        await node.close()
    secret.write_text(password + "\n")
    secret.chmod(0o600)
    return password


# --- web interface users ------------------------------------------------------------------------

async def cmd_user(args) -> None:
    """Staff accounts of the web interface: add, list, remove, set a new password."""
    from node.storage.models import Draft, User
    from node.webui import auth

    password = None
    if args.user_command in ("add", "password"):
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CliError("no password on standard input")
        else:
            password = auth.generate_password()
    config = _config(args)
    node = await _open(config)
    try:
        if args.user_command == "add":
            try:
                await auth.create_user(args.name, password, args.role)
            except auth.AuthError as exc:
                raise CliError(str(exc)) from None
            print(f"created {args.role} {args.name}")
        elif args.user_command == "password":
            user = await User.filter(username=args.name).first()
            if user is None:
                raise CliError(f"no user {args.name!r}")
            try:
                await auth.set_password(user, password)
            except auth.AuthError as exc:
                raise CliError(str(exc)) from None
            print(f"new password set for {args.name}; their sessions were logged out")
        elif args.user_command == "remove":
            user = await User.filter(username=args.name).first()
            if user is None:
                raise CliError(f"no user {args.name!r}")
            await Draft.filter(author_id=user.id).update(author_id=None)  # their drafts and schedules stay
            await user.delete()
            print(f"removed {args.name}")
        else:
            for user in await User.all().order_by("username"):
                print(f"{user.username:24} {user.role:7} created {user.created_at:%Y-%m-%d}")
    finally:
        await node.close()
    if password and not args.password_stdin:
        print(f"password: {password}  (shown once; store it safely)")


# --- alerts -------------------------------------------------------------------------------------

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


async def cmd_alert_publish(args) -> None:
    from node.activitypub import outbox

    alert = _read_alert(args.file)
    config = _config(args)
    node = await _open(config)
    try:
        row = await outbox.publish_alert(node.org, node.urls, alert)
    finally:
        await node.close()
    print(node.urls.alert(row.id))


async def cmd_alert_update(args) -> None:
    from node.activitypub import outbox

    alert = _read_alert(args.file)
    config = _config(args)
    node = await _open(config)
    try:
        row = await outbox.update_alert(node.urls, outbox.alert_id_from(node.urls, args.id), alert)
    except outbox.NotFoundError as exc:
        raise CliError(str(exc)) from None
    finally:
        await node.close()
    print(node.urls.alert(row.id))


async def cmd_alert_delete(args) -> None:
    from node.activitypub import outbox

    config = _config(args)
    node = await _open(config)
    try:
        row = await outbox.delete_alert(node.urls, outbox.alert_id_from(node.urls, args.id))
    except outbox.NotFoundError as exc:
        raise CliError(str(exc)) from None
    finally:
        await node.close()
    print(f"deleted {node.urls.alert(row.id)}")


async def cmd_alert_pin(args) -> None:
    from node.activitypub import outbox

    config = _config(args)
    node = await _open(config)
    try:
        row = await outbox.set_featured(node.urls, outbox.alert_id_from(node.urls, args.id), not args.unpin)
    except outbox.NotFoundError as exc:
        raise CliError(str(exc)) from None
    finally:
        await node.close()
    print(f"{'unpinned' if args.unpin else 'pinned'} {node.urls.alert(row.id)}")


async def cmd_profile(args) -> None:
    """Show or change the organisation's profile; changes are sent to followers."""
    from node.activitypub import outbox
    from node.ops.keys import bump_actors_version

    fields = []
    for item in args.field or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--field {item!r}: expected NAME=VALUE")
        fields.append({"name": name.strip()[:255], "value": value.strip()[:2047]})
    config = _config(args)
    node = await _open(config)
    try:
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
            await outbox.send_actor_update(actor, node.urls, clearinghouse=config.role == "clearinghouse")
        print(json.dumps({"name": actor.name, "summary": actor.summary, "fields": actor.profile_fields}, indent=2))
    finally:
        await node.close()


async def cmd_alert_list(args) -> None:
    from node.storage.models import Alert

    config = _config(args)
    node = await _open(config)
    try:
        rows = await Alert.all().order_by("-published", "-id")
        for row in rows:
            state = "deleted" if row.deleted_at else ("updated" if row.updated else "published")
            record = {"id": node.urls.alert(row.id), "headline": row.headline, "country": row.country,
                      "published": row.published.isoformat(), "state": state}
            print(json.dumps(record) if args.json else
                  f"{record['id']}  {row.published:%Y-%m-%d %H:%M}  {state:9}  {row.country}  {row.headline}")
    finally:
        await node.close()


# --- federation state ---------------------------------------------------------------------------

async def cmd_followers(args) -> None:
    from node.storage.models import Follower

    config = _config(args)
    node = await _open(config)
    try:
        rows = await Follower.filter(local_actor=node.org).order_by("created_at")
        by_host: dict[str, list] = {}
        for row in rows:
            by_host.setdefault(row.actor_uri.split("/")[2], []).append(row)
        for host, items in sorted(by_host.items()):
            print(f"{host}  ({len(items)})")
            for row in items:
                print(f"  {row.actor_uri}  since {row.created_at:%Y-%m-%d %H:%M}")
        print(f"{len(rows)} follower(s)")
    finally:
        await node.close()


async def cmd_deliveries(args) -> None:
    from node.storage.models import Delivery, Host

    config = _config(args)
    node = await _open(config)
    try:
        statuses = ["failed"] if args.failed else ["pending", "running"]
        rows = await Delivery.filter(status__in=statuses).prefetch_related("activity").order_by("host", "id")
        hosts = {h.host: h for h in await Host.all()}
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
    finally:
        await node.close()


async def cmd_follow(args) -> None:
    from node.activitypub import outbox
    from node.activitypub.fetch import FetchError
    from node.activitypub.remote import resolve

    config = _config(args)
    node = await _open(config)
    try:
        try:
            target = await resolve(node, args.target)
        except FetchError as exc:
            raise CliError(f"cannot resolve {args.target}: {exc.reason}") from None
        if args.undo:
            try:
                await outbox.send_undo_follow(node.org, node.urls, target)
            except outbox.NotFoundError as exc:
                raise CliError(str(exc)) from None
            print(f"unfollowing {target.uri}")
        else:
            await outbox.send_follow(node.org, node.urls, target)
            print(f"follow requested: {target.uri}")
    finally:
        await node.close()


async def cmd_following(args) -> None:
    from node.storage.models import Following

    config = _config(args)
    node = await _open(config)
    try:
        for row in await Following.filter(local_actor=node.org).order_by("created_at"):
            print(f"{row.target_uri}  {row.state}")
    finally:
        await node.close()


async def cmd_received(args) -> None:
    """Objects received from actors we follow (and replies to our alerts)."""
    from node.storage.models import RemoteObject

    config = _config(args)
    node = await _open(config)
    try:
        query = RemoteObject.all() if args.all else RemoteObject.filter(deleted=False)
        for row in await query.order_by("received_at"):
            record = {"id": row.uri, "actor": row.actor_uri, "type": row.type, "deleted": row.deleted,
                      "in_reply_to": row.in_reply_to, "updated": row.data.get("updated"),
                      "content": row.data.get("content"), "has_alert": "alert" in row.data,
                      "via": row.via}
            print(json.dumps(record) if args.json else f"{row.uri}  {row.actor_uri}  {'deleted' if row.deleted else ''}")
    finally:
        await node.close()


# --- clearing house -----------------------------------------------------------------------------

def _require_clearinghouse(config: NodeConfig) -> None:
    if config.role != "clearinghouse":
        raise CliError("this command needs a node in the clearinghouse role (aan init --role clearinghouse)")


async def cmd_member(args) -> None:
    from node.activitypub.fetch import FetchError
    from node.clearinghouse import members

    config = _config(args)
    _require_clearinghouse(config)
    node = await _open(config)
    try:
        if args.member_command == "add":
            try:
                member = await members.add(node, args.target)
            except FetchError as exc:
                raise CliError(f"cannot resolve {args.target}: {exc.reason}") from None
            print(f"follow sent to {member.handle} ({member.actor_uri}); pending until it accepts")
        elif args.member_command == "remove":
            try:
                member = await members.remove(node, args.target)
            except members.MemberError as exc:
                raise CliError(str(exc)) from None
            print(f"removed {member.handle}")
        else:
            rows = await members.listing()
            for row in rows:
                print(json.dumps(row) if args.json else
                      f"{row['handle']:40}  {row['state']:11}  {row['alerts']:5} alerts  {row['name']}")
            if not args.json:
                print(f"{len(rows)} member(s)")
    finally:
        await node.close()


async def cmd_review(args) -> None:
    from node.clearinghouse import review

    config = _config(args)
    _require_clearinghouse(config)
    if args.review_command in ("on", "off"):
        config.review = args.review_command == "on"
        config.save()
        print(f"editorial review is {args.review_command}")
        return
    node = await _open(config)
    try:
        if args.review_command == "list":
            for row in await review.held():
                print(f"{row.uri}  {row.country}  {row.headline}")
        else:
            try:
                row = await review.decide(node, args.id, approve=args.review_command == "approve")
            except review.ReviewError as exc:
                raise CliError(str(exc)) from None
            print(f"{args.review_command}d {row.uri}: {row.boost if row.review == 'approved' else 'rejected'}")
    finally:
        await node.close()


async def cmd_case(args) -> None:
    from node.clearinghouse import cases
    from node.storage.models import Case, CaseEvent, IndexedAlert

    config = _config(args)
    _require_clearinghouse(config)
    node = await _open(config)
    try:
        if args.case_command == "list":
            for case in await Case.filter(merged_into=None).order_by("-created_at"):
                n = await IndexedAlert.filter(case=case, deleted=False).count()
                print(f"{case.id}  {case.country}  {case.incident_date:10}  {n:3} alert(s)  {case.title}")
        elif args.case_command == "show":
            case = await Case.filter(id=args.id).first()
            if case is None:
                raise CliError(f"no case {args.id!r}")
            case = await cases.resolve(case)
            print(f"case {case.id}: {case.title} ({case.country}, {case.incident_date})")
            for row in await IndexedAlert.filter(case=case).prefetch_related("member").order_by("published"):
                print(f"  {row.published:%Y-%m-%d %H:%M}  {row.member.handle}  {row.alert_type:8} {row.boost:8} "
                      f"{row.uri}  {row.headline}")
            for event in await CaseEvent.filter(case=case).order_by("id"):
                print(f"  [{event.created_at:%Y-%m-%d %H:%M}] {event.kind} by {event.by}: {json.dumps(event.detail)}")
        elif args.case_command == "merge":
            try:
                case = await cases.merge(args.keep, args.other)
            except cases.CaseError as exc:
                raise CliError(str(exc)) from None
            print(f"merged {args.other} into {case.id}")
        elif args.case_command == "split":
            try:
                case = await cases.split(args.id, args.alerts)
            except cases.CaseError as exc:
                raise CliError(str(exc)) from None
            print(f"new case {case.id} with {len(args.alerts)} alert(s)")
    finally:
        await node.close()


# --- parser -------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="node data directory (default ./aan-data, or $AAN_DATA_DIR)")
    parser = argparse.ArgumentParser(prog="aan", description="Action Alert Network node", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create a node: data directory, database, actor, keys")
    p.add_argument("--domain", required=True, help="HOST[:PORT] the node is reached at")
    p.add_argument("--username", default="alerts")
    p.add_argument("--name", required=True, help="organisation name")
    p.add_argument("--summary", default="")
    p.add_argument("--role", choices=ROLES, default="member")
    p.add_argument("--db", help="database URL (default: SQLite file in the data directory; or postgres://…)")
    p.add_argument("--insecure-http", action="store_true",
                   help="development mode: http:// ids, loopback and private peers allowed")
    p.add_argument("--review", action="store_true", help="clearinghouse: hold alerts until an editor approves")
    p.add_argument("--boost-policy", choices=BOOST_POLICIES, default="first-and-updates",
                   help="clearinghouse: which alerts of a case are boosted")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", parents=[common], help="run the web app (and workers)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--fd", type=int, default=None, metavar="FD",
                   help="serve on this inherited, already bound socket instead of --host/--port")
    p.add_argument("--workers-in-process", type=int, default=1, metavar="N",
                   help="run the inbox and delivery workers in this process (0: web only)")
    p.add_argument("--log-level", default=os.environ.get("AAN_LOG_LEVEL", "warning"))
    p.set_defaults(func=cmd_serve, sync=True)

    p = sub.add_parser("demo", parents=[common], help="set up and run a development node with a first alert")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--fd", type=int, default=None, metavar="FD",
                   help="serve on this inherited socket, already bound to 127.0.0.1:PORT")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("worker", parents=[common], help="run only the inbox and delivery workers")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--metrics-port", type=int, default=int(os.environ.get("AAN_METRICS_PORT", "0")),
                   help="expose this worker's Prometheus counters on this port (0: off)")
    p.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port")
    p.set_defaults(func=cmd_worker)

    alert = sub.add_parser("alert", parents=[common], help="publish, update, delete, list alerts")
    asub = alert.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    p = asub.add_parser("publish", parents=[common], help="publish FILE.md; prints the new id")
    p.add_argument("file")
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

    user = sub.add_parser("user", parents=[common], help="staff accounts of the web interface (/admin)")
    usub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = usub.add_parser("add", parents=[common], help="add a user (a password is generated and printed once)")
    p.add_argument("name")
    p.add_argument("--role", choices=("admin", "editor"), default="editor",
                   help="editors write and publish; admins also manage users and settings")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
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
    p = sub.add_parser("received", parents=[common], help="objects received from followed actors")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="include deleted objects")
    p.set_defaults(func=cmd_received)
    from node.ops.commands import register as register_ops

    register_ops(sub, common, sys.modules[__name__])  # backup, restore, keys, block
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.func is cmd_demo:
            asyncio.run(cmd_demo(args))
            args = argparse.Namespace(**{**vars(args), "host": "127.0.0.1", "workers_in_process": 1,
                                         "log_level": "warning"})
            cmd_serve(args)
        elif getattr(args, "sync", False):
            args.func(args)
        else:
            asyncio.run(args.func(args))
    except CliError as exc:
        print(f"aan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
