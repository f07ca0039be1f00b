"""``aan init``, ``aan migrate``, ``aan serve``, ``aan worker``, ``aan demo``: a node's life."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from node.cli._base import CliError, data_dir, load_config, open_node, settings_of
from node.config import BOOST_POLICIES, ROLES, NodeConfig

EXAMPLE_ALERT = Path(__file__).resolve().parent.parent / "examples" / "first-alert.md"
USERNAME_RE = re.compile(r"^[a-z0-9_]+([.-]+[a-z0-9_]+)*$", re.I)
DOMAIN_RE = re.compile(r"^[a-z0-9.-]+(:\d{1,5})?$", re.I)
DEMO_ADMIN = "admin"
ALLOW_READABLE_HELP = "start even if the database or a secret file is readable by other users"


# --- init and migrate ---------------------------------------------------------------------------

async def cmd_init(args: argparse.Namespace) -> None:
    from node.activitypub.actors import INSTANCE_USERNAME
    from node.service import create_local_actor
    from node.storage import db
    from node.storage.models import LocalActor

    directory = data_dir(args)
    if (directory / "config.json").exists():
        raise CliError(f"{directory} already holds a node (remove it or choose another --data-dir)")
    if not DOMAIN_RE.match(args.domain):
        raise CliError(f"invalid --domain {args.domain!r} (expected host or host:port)")
    if not USERNAME_RE.match(args.username):
        raise CliError(f"invalid --username {args.username!r} (letters, digits, _ . -)")
    if args.username == INSTANCE_USERNAME:
        raise CliError(f"--username {args.username!r} is reserved")
    url = args.db or settings_of(args).database_url or f"sqlite://{(directory / 'aan.sqlite3').resolve()}"
    try:
        db.dialect(url)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    directory.mkdir(parents=True, exist_ok=True)
    config = NodeConfig(domain=args.domain, username=args.username, name=args.name, role=args.role,
                        database_url=url, insecure_http=args.insecure_http, data_dir=directory,
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
    from node.ops.privacy import make_private

    make_private(directory, url)  # the database holds the private keys: 0700 directory, 0600 files
    print(f"created {args.role} node @{args.username}@{args.domain} in {directory}")


async def cmd_migrate(args: argparse.Namespace) -> None:
    from node.storage import db

    config = load_config(args)
    applied = await db.migrate_locked(config.database_url)  # safe to run twice, or from two machines at once
    await db.close()
    print(f"applied {len(applied)} migration(s)" if applied else "schema is up to date")
    from node.service import ensure_assertion_keys

    await db.init(config.database_url)
    try:
        given = await ensure_assertion_keys()  # actors from before integrity proofs get their Ed25519 key
    finally:
        await db.close()
    if given:
        print(f"generated an Ed25519 assertion key for {len(given)} actor(s): {', '.join(sorted(given))}")


# --- serving ------------------------------------------------------------------------------------

def _logging(level: str, fmt: str) -> None:
    from node.ops import logs

    logs.setup(level, fmt)  # text, or JSON lines with AAN_LOG_FORMAT=json; the activity id on each line


def _require_private(args: argparse.Namespace, config: NodeConfig) -> None:
    """Refuse to run while the database or a secret file is readable by other users."""
    from node.ops.privacy import require_private

    if not getattr(args, "allow_readable_data", False):
        require_private(config)  # ReadableData, a ConfigurationError naming the file and the chmod


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from node.app import create_app
    from node.limits import LimitedHttpToolsProtocol
    from node.storage import db

    settings = settings_of(args)
    config = load_config(args)
    _require_private(args, config)
    sockets = None if getattr(args, "fd", None) is None else [_inherited_socket(args.fd)]
    level = args.log_level or settings.log_level
    _logging(level, settings.log_format)
    workers = max(0, args.workers_in_process)
    app = create_app(config, run_workers=workers,
                     metrics_port=args.metrics_port, metrics_host=args.metrics_host, settings=settings)
    server = uvicorn.Server(uvicorn.Config(
        app, host=args.host, port=args.port, log_level=level, access_log=False,
        # httptools with a bound on the request head (uvicorn enforces none): node/limits.py
        loop="uvloop", http=LimitedHttpToolsProtocol, ws="none", limit_concurrency=2048,
        timeout_graceful_shutdown=10, log_config=None,
        # longer than senders keep idle connections (aiohttp: 15 s), so a sender never reuses
        # a connection at the moment we close it ("Can not write request body", a 30 s retry)
        timeout_keep_alive=75))
    where = f"fd {args.fd}" if sockets else f"{args.host}:{args.port}"
    print(f"aan: serving {config.urls.base}/ ({config.role}) on {where}; database "
          f"{db.dialect(config.database_url)}; {workers} worker(s) in process", file=sys.stderr, flush=True)
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


async def cmd_worker(args: argparse.Namespace) -> None:
    import signal

    from node.app import settle_garbage_collector
    from node.ops import metrics
    from node.ops.runtime import Refresher
    from node.workers import Workers

    settings = settings_of(args)
    config = load_config(args)
    _require_private(args, config)
    _logging(settings.log_level, settings.log_format)
    metrics_port = settings.metrics_port if args.metrics_port is None else args.metrics_port
    async with open_node(config, settings=settings) as node:
        if metrics_port:
            metrics.serve(metrics_port, args.metrics_host)
        refresher = Refresher(node)  # domain blocks and key rotations made by other processes
        refresher.start()
        workers = Workers(node, concurrency=args.concurrency)
        await workers.start()
        settle_garbage_collector()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(f"worker {workers.name} running", file=sys.stderr)
        await stop.wait()
        await workers.stop()  # finishes the POSTs in flight, releases every other claimed row
        await refresher.stop()


# --- demo ---------------------------------------------------------------------------------------

async def cmd_demo(args: argparse.Namespace) -> None:
    """Set up (once) a development node on 127.0.0.1:PORT with a first alert."""
    from node.cli.alerts import cmd_alert_publish

    directory = data_dir(args)
    if not (directory / "config.json").exists():
        await cmd_init(argparse.Namespace(
            data_dir=str(directory), domain=f"127.0.0.1:{args.port}", username="alerts",
            name="Demo Free Expression Group", role="member", db=None, insecure_http=True,
            summary="A demonstration node of the Action Alert Network."))
        await cmd_alert_publish(argparse.Namespace(data_dir=str(directory), file=str(EXAMPLE_ALERT), force=False))
    config = load_config(args)
    from node.ops.privacy import make_private

    make_private(directory, config.database_url)  # a demo directory made by an older release, too
    password = await _demo_admin(config)
    print(f"demo node: {config.urls.base}/  (actor @{config.handle}; Ctrl-C stops it)", file=sys.stderr)
    print(f"web interface: {config.urls.base}/login  user: {DEMO_ADMIN}  password: {password}", file=sys.stderr)


async def _demo_admin(config: NodeConfig) -> str:
    """The demo's admin account (created once; its password kept in the data directory to show again)."""
    from node.services import users
    from node.storage.models import User

    secret = config.data_dir / "demo-admin-password"
    async with open_node(config):
        if secret.exists() and await User.filter(username=DEMO_ADMIN).exists():
            return secret.read_text().strip()
        password = users.generate_password()
        user = await User.filter(username=DEMO_ADMIN).first()
        if user is None:
            await users.add(DEMO_ADMIN, password, "admin")
        else:
            await users.set_password(user, password)
    secret.write_text(password + "\n")
    secret.chmod(0o600)
    return password


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def run_demo(args: argparse.Namespace) -> None:
    if getattr(args, "fd", None) is None and not _port_free("127.0.0.1", args.port):
        raise CliError(f"port {args.port} on 127.0.0.1 is already in use (is the demo already running? "
                       "stop it, or pass --port)")
    asyncio.run(cmd_demo(args))
    cmd_serve(argparse.Namespace(**{**vars(args), "host": "127.0.0.1", "workers_in_process": 1,
                                    "log_level": "warning", "metrics_port": None, "metrics_host": "127.0.0.1"}))


# --- parser -------------------------------------------------------------------------------------

def register(sub, common: argparse.ArgumentParser) -> None:
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
    p.add_argument("--log-level", default=None)  # default: AAN_LOG_LEVEL, or warning
    p.add_argument("--metrics-port", type=int, default=None,
                   help="serve /metrics on this port instead of --port (0: any free port, logged)")
    p.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port")
    p.add_argument("--allow-readable-data", action="store_true", help=ALLOW_READABLE_HELP)
    p.set_defaults(func=cmd_serve, sync=True)

    p = sub.add_parser("demo", parents=[common], help="set up and run a development node with a first alert")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--fd", type=int, default=None, metavar="FD",
                   help="serve on this inherited socket, already bound to 127.0.0.1:PORT")
    p.set_defaults(func=run_demo, sync=True)

    p = sub.add_parser("worker", parents=[common], help="run only the inbox and delivery workers")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--metrics-port", type=int, default=None,
                   help="expose this worker's Prometheus counters on this port (0: off)")  # default: AAN_METRICS_PORT
    p.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port")
    p.add_argument("--allow-readable-data", action="store_true", help=ALLOW_READABLE_HELP)
    p.set_defaults(func=cmd_worker)
