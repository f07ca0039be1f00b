"""Clearing House ingest: member alerts verified, indexed, clustered and boosted per second by ONE ``aan serve``.

    python bench/ch_ingest.py [--alerts 4000] [--members 10] [--followers 10] [--concurrency 64]
                              [--runs 3] [--db postgres://postgres@127.0.0.1:5432/postgres]
                              [--quiet 0.25 --quiet-wait 90] [--profile FILE] [--modules-from DIR]

Results and their discussion: docs/performance-clearinghouse.md.

Set-up (per run): a fresh PostgreSQL database (created next to ``--db``, dropped afterwards);
``aan init --role clearinghouse --insecure-http`` on it; then, written straight into that database
before the node starts, ``--members`` active members (``members`` row, state ``active``, plus the
``following`` row with state ``accepted`` that ``aan member add`` + the member's Accept would have
left) and ``--followers`` followers of the Clearing House (each its own inbox on its own port).
Membership is seeded rather than negotiated because the Follow/Accept handshake is covered by
tests/test_clearinghouse.py and is not what is measured; the members' actor documents are still
served by this process and the Clearing House fetches each member's key over loopback, as it would
after ``aan member add``.

``aan serve`` (in-process workers, as shipped) is pinned to CPU 0. This process (pinned to CPU 1)
serves the fake member actors, and replays ``--alerts`` pre-signed ``Create`` activities with
aiohttp, ``--concurrency`` in flight, to the shared inbox. A receiver process (also CPU 1, raw
asyncio + httptools) plays the followers' inboxes, answers 202 and verifies every
``--verify-every``-th Announce signature. The PostgreSQL server is not pinned.

The alerts are real aan alerts: alert files generated from a seeded pool of incidents (12
countries, incident dates over two years, target names from several naming traditions), parsed with
``node.alerts.parse_alert_file``, turned into Notes with ``node.activitypub.notes.alert_to_note``.
About a third of the alerts are further reports of an incident already reported by another member
(name spelled another way or transliterated, date +-1 day, sometimes an ``update`` that ``follows``
the first report), so the Clearing House matches, attaches and does not boost them.

Figures:

* inbox acceptance: alerts / (last 202 - first POST);
* ingest (whole pipeline): alerts / (last boost decision - first POST), where the last boost
  decision is the latest ``indexed_alerts.received_at`` / Announce ``activities.created_at``
  in the database once every alert is indexed with ``boost != 'pending'``;
* delivery: Announces received by the followers / (last arrival - first arrival), and the time from
  the first POST to the last delivery.

Before the blast one signed ``Like`` per member makes the Clearing House fetch each member's key, so
the blast does not start with a stampede of identical key fetches.

The VM is shared: before each run the script waits (``--quiet-wait``) until the machine is at most
``--quiet`` busy, and prints for each run the CPU used during the ingest by the Clearing House, by
PostgreSQL, by this process and by *other* processes (a run with a high "other" figure is disturbed).
``--modules-from DIR`` runs the Clearing House with ``ingest.py``, ``cases.py``, ``matching.py`` and
``handlers.py`` from DIR in place of node's (before/after comparisons).
"""

from __future__ import annotations

import sys

# --- `aan serve` with some modules replaced (before/after comparisons; see --modules-from) ----------

if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--serve-with-modules":
    import importlib.util
    from pathlib import Path

    _dir = Path(sys.argv[2])
    for _name in ("node.clearinghouse.matching", "node.clearinghouse.cases", "node.clearinghouse.ingest",
                  "node.activitypub.handlers"):
        _file = _dir / (_name.rsplit(".", 1)[1] + ".py")
        if not _file.exists():
            continue
        _parent = importlib.import_module(_name.rsplit(".", 1)[0])
        _spec = importlib.util.spec_from_file_location(_name, _file)
        _module = importlib.util.module_from_spec(_spec)
        sys.modules[_name] = _module
        _spec.loader.exec_module(_module)
        setattr(_parent, _name.rsplit(".", 1)[1], _module)
    from node.cli import main as _main

    sys.exit(_main(sys.argv[3:]))

import argparse
import asyncio
import json
import random
import resource
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

import _common as C


def loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


# --- the alert pool ---------------------------------------------------------------------------------

COUNTRIES = {
    "TR": (["Ayşe", "Mehmet", "Zeynep", "Yusuf", "Elif", "Hakan", "Canan", "Murat", "Gökhan", "Sevgi"],
           ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın", "Arslan", "Doğan", "Koç"]),
    "EG": (["Mohamed", "Ahmed", "Mahmoud", "Omar", "Youssef", "Aya", "Nour", "Hossam", "Esraa", "Karim"],
           ["Hassan", "Ibrahim", "Abdelrahman", "Mansour", "Saeed", "Fathy", "Nasser", "Gamal", "Salah", "Farouk"]),
    "IR": (["Hossein", "Narges", "Reza", "Maryam", "Ali", "Niloofar", "Saeed", "Elaheh", "Mehdi", "Sepideh"],
           ["Karimi", "Mohammadi", "Hosseini", "Rezaei", "Moradi", "Ahmadi", "Jafari", "Sadeghi", "Rahimi", "Ghasemi"]),
    "RU": (["Дмитрий", "Ольга", "Иван", "Елена", "Сергей", "Анна", "Алексей", "Мария", "Павел", "Светлана"],
           ["Волков", "Петрова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев", "Новикова", "Морозов", "Орлова"]),
    "MX": (["Carlos", "María", "José", "Lucía", "Miguel", "Rosa", "Juan", "Ana", "Luis", "Carmen"],
           ["Hernández", "García", "López", "Martínez", "González", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores"]),
    "IN": (["Priya", "Arjun", "Rahul", "Ananya", "Vikram", "Sneha", "Rohan", "Kavya", "Amit", "Divya"],
           ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Singh", "Menon", "Das", "Joshi"]),
    "PH": (["Maria", "Jose", "Antonio", "Cristina", "Ramon", "Lourdes", "Eduardo", "Teresa", "Rodrigo", "Gloria"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Castillo", "Villanueva"]),
    "BY": (["Ales", "Katsiaryna", "Andrei", "Iryna", "Siarhei", "Maryna", "Ihar", "Tatsiana", "Pavel", "Darya"],
           ["Bialiatski", "Andreyeva", "Kuznechyk", "Losik", "Barysevich", "Zhuk", "Karnei", "Shchyrakova", "Paulau", "Chultsova"]),
    "AZ": (["Rustam", "Sevinj", "Elchin", "Aynur", "Tofig", "Leyla", "Ramin", "Gunel", "Farid", "Nargiz"],
           ["Aliyev", "Guliyeva", "Mammadov", "Huseynova", "Ismayilov", "Hasanova", "Abbasov", "Rzayeva", "Jafarov", "Karimova"]),
    "VN": (["Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Dang", "Bui"],
           ["Van Minh", "Thi Lan", "Duc Anh", "Thi Hoa", "Quang Huy", "Thi Mai", "Van Long", "Thi Thu", "Hong Son", "Ngoc Anh"]),
    "SA": (["Abdullah", "Salma", "Faisal", "Loujain", "Khalid", "Samar", "Turki", "Nouf", "Waleed", "Aziza"],
           ["Al-Otaibi", "Al-Shehri", "Al-Ghamdi", "Al-Harbi", "Al-Qahtani", "Al-Zahrani", "Al-Dosari", "Al-Mutairi", "Al-Yousef", "Al-Hathloul"]),
    "NI": (["Miguel", "Lucía", "Carlos", "Verónica", "Jaime", "Cristiana", "Félix", "Tamara", "Juan", "Ileana"],
           ["Mora", "Chamorro", "Pineda", "Arce", "Maradiaga", "Salinas", "Navas", "Dávila", "Lacayo", "Urbina"]),
}
HEADLINES = ["Journalist {name} detained", "Reporter {name} arrested at home", "{name} held after covering protest",
             "Police raid home of editor {name}", "Blogger {name} summoned for questioning",
             "Photojournalist {name} beaten and detained"]
SPELLINGS = {"Mohamed": "Muhammad", "Youssef": "Yusuf", "Yusuf": "Youssef", "Hossein": "Hussein",
             "Ahmed": "Ahmad", "Mahmoud": "Mahmud", "Omar": "Umar", "Narges": "Nargis", "Maryam": "Mariam",
             "Aliyev": "Aliev", "Mammadov": "Mamedov", "Katsiaryna": "Ekaterina", "Siarhei": "Sergei",
             "Tatsiana": "Tatiana", "Ihar": "Igor"}


def incidents_and_reports(n: int, members: int, seed: int = 1) -> list[dict]:
    """n alert specs: incidents reported by 1-3 members, later reports spelled differently."""
    rng = random.Random(seed)
    specs: list[dict] = []
    start = date(2024, 1, 1)
    while len(specs) < n:
        country = rng.choice(list(COUNTRIES))
        first, last = COUNTRIES[country]
        name = f"{rng.choice(first)} {rng.choice(last)}"
        when = start + timedelta(days=rng.randrange(730))
        headline = rng.choice(HEADLINES)
        reporters = rng.sample(range(members), k=min(members, rng.choices([1, 2, 3], weights=[70, 20, 10])[0]))
        first_index = len(specs)
        for k, member in enumerate(reporters):
            if len(specs) >= n:
                break
            spelled = name
            if k:
                from anyascii import anyascii

                variant = rng.random()
                if variant < 0.35:
                    spelled = anyascii(name)  # transliterated / accents dropped
                elif variant < 0.7:
                    spelled = " ".join(SPELLINGS.get(t, t) for t in name.split())
                else:
                    spelled = " ".join(reversed(name.split()))  # family name first
            specs.append({
                "member": member, "country": country, "name": spelled,
                "date": (when + timedelta(days=rng.choice([0, 0, 1]) if k else 0)).isoformat(),
                "headline": headline.format(name=spelled), "incident": first_index,
                "type": "update" if k and rng.random() < 0.3 else "alert",
                "follows_index": first_index if k else None, "n": len(specs),
            })
    return specs


def alert_file(spec: dict) -> str:
    name = spec["name"]
    lines = ["---", f"type: {spec['type']}", f"headline: {json.dumps(spec['headline'])}", "language: en",
             f"country: {spec['country']}", f"incident_date: {spec['date']}",
             "categories: [detention]", "act_types: [arrested_detained]",
             "targets:", f"  - name: {json.dumps(name)}", "    kind: individual", "    profession: journalist",
             f"summary: {json.dumps(f'{name} was detained; colleagues fear for their safety.')}",
             "recommended_action:", f"  asks: [{json.dumps(f'Release {name} immediately')}]"]
    if spec.get("follows"):
        lines.append(f"follows: {spec['follows']}")
    lines += ["---", f"Police detained **{name}** on {spec['date']} after reports on corruption. "
                     f"Report {spec['n']} of the benchmark.", ""]
    return "\n".join(lines)


# --- pre-building and signing (worker processes) ----------------------------------------------------

_ctx: dict = {}


def _build_init(pems: list[str], inbox_url: str, member_bases: list[str]) -> None:
    from node.activitypub.keys import load_private_key

    _ctx.update(keys=[load_private_key(p) for p in pems], inbox=inbox_url, bases=member_bases)


def member_urls(base: str):
    from node.urls import Urls

    return Urls(base.split("://", 1)[1], "http")


def alert_uri(spec: dict, bases: list[str]) -> str:
    return f"{bases[spec['member']]}/alerts/bench{spec['n']:06d}"


def _build(specs: list[dict]) -> list[tuple[bytes, dict]]:
    """(body, headers) of a signed Create(Note) for each spec."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from node.activitypub.notes import alert_to_note
    from node.activitypub.outbox import envelope
    from node.activitypub.signatures import sign_headers
    from node.alerts import parse_alert_file

    out = []
    published = datetime.now(UTC).replace(microsecond=0)
    for spec in specs:
        base = _ctx["bases"][spec["member"]]
        urls = member_urls(base)
        alert = parse_alert_file(alert_file(spec))
        note = alert_to_note(alert, urls=urls, username="alerts", alert_id=f"bench{spec['n']:06d}",
                             published=published)
        activity = envelope("Create", urls, SimpleNamespace(username="alerts"), f"create{spec['n']:06d}",
                            note, published)
        body = json.dumps(activity, separators=(",", ":"), ensure_ascii=False).encode()
        headers = sign_headers("POST", _ctx["inbox"], key_id=urls.key_id("alerts"),
                               private_key=_ctx["keys"][spec["member"]], body=body)
        out.append((body, headers))
    return out


def _like(member: int) -> tuple[bytes, dict]:
    from node.activitypub.signatures import sign_headers

    urls = member_urls(_ctx["bases"][member])
    body = json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": urls.activity(f"like{member}"),
                       "type": "Like", "actor": urls.actor("alerts"),
                       "object": "https://elsewhere.example/notes/1"}).encode()
    return body, sign_headers("POST", _ctx["inbox"], key_id=urls.key_id("alerts"),
                              private_key=_ctx["keys"][member], body=body)


def prebuild(specs, pems, inbox_url, bases, members) -> tuple[list, list]:
    chunk = 250
    with ProcessPoolExecutor(max_workers=2, initializer=_build_init, initargs=(pems, inbox_url, bases)) as pool:
        parts = pool.map(_build, [specs[i:i + chunk] for i in range(0, len(specs), chunk)])
        built = [item for part in parts for item in part]
        likes = list(pool.map(_like, range(members)))
    return built, likes


# --- shared helpers (bench/_common.py) ----------------------------------------------------------------

receiver_stats = C.receiver_stats
_run_loop = C.run_loop
busy_cpu_seconds, postgres_cpu, own_cpu = C.busy_cpu_seconds, C.postgres_cpu, C.own_cpu
wait_quiet = C.wait_machine_quiet


# --- database helpers -------------------------------------------------------------------------------

_pg = C.pg_connect


async def seed(db_url: str, members: list[str], followers: list[tuple[str, str]]) -> str:
    """Active members (+ accepted Following rows) and followers; returns the Clearing House's public key."""
    conn = await _pg(db_url)
    try:
        actor_id, pem = (await conn.fetchrow("SELECT id, public_key_pem FROM local_actors WHERE username='alerts'"))
        for i, uri in enumerate(members):
            host = uri.split("/")[2]
            await conn.execute("INSERT INTO members (actor_uri, handle, name, state, added_at, accepted_at) "
                               "VALUES ($1, $2, $3, 'active', now(), now())", uri, f"@alerts@{host}", f"Member {i}")
            await conn.execute("INSERT INTO following (local_actor_id, target_uri, follow_id, state, created_at) "
                               "VALUES ($1, $2, $3, 'accepted', now())", actor_id, uri, f"{uri}#follow-by-ch")
        for uri, inbox in followers:
            await conn.execute("INSERT INTO followers (local_actor_id, actor_uri, inbox, shared_inbox, follow_id, "
                               "created_at) VALUES ($1, $2, $3, NULL, $4, now())", actor_id, uri, inbox, f"{uri}#f")
        return pem
    finally:
        await conn.close()


async def progress(conn) -> dict:
    row = await conn.fetchrow(
        "SELECT (SELECT COUNT(*) FROM indexed_alerts) AS indexed, "
        "(SELECT COUNT(*) FROM indexed_alerts WHERE boost <> 'pending') AS decided, "
        "(SELECT COUNT(*) FROM inbox_items WHERE status IN ('pending', 'running')) AS inbox_open, "
        "(SELECT COUNT(*) FROM inbox_items WHERE status = 'failed') AS inbox_failed, "
        "(SELECT COUNT(*) FROM fanout_jobs WHERE status IN ('pending', 'running')) AS fanout_open, "
        "(SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'running')) AS deliveries_open, "
        "(SELECT COUNT(*) FROM deliveries WHERE status = 'failed') AS deliveries_failed")
    return dict(row)


# --- one run ----------------------------------------------------------------------------------------

async def blast(args, built, likes, ch_port, member_ports, pems_public, ch_db, ch_pid, control_port,
                receiver_pid) -> dict:
    import aiohttp

    # the members' actor documents
    runners = []
    for i, port in enumerate(member_ports):
        base = f"http://127.0.0.1:{port}"
        doc = C.actor_doc(f"{base}/actors/alerts", pems_public[i], kind="Organization", name=f"Member {i}",
                          shared_inbox=f"{base}/inbox")
        runners.append(await C.start_actor_server(port, lambda path, doc=doc: doc if path == "/actors/alerts" else None))

    url = f"http://127.0.0.1:{ch_port}/inbox"
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=args.concurrency)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120),
                                    skip_auto_headers=("User-Agent",))
    errors: dict[str, int] = {}
    conn = await _pg(ch_db)
    prof = None
    try:
        async def post(body, headers) -> int | str:
            try:
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    return resp.status
            except Exception as exc:  # noqa: BLE001 - counted
                return type(exc).__name__

        # warm-up: one Like per member (the Clearing House fetches each member's key), then quiet
        statuses = await asyncio.gather(*(post(b, h) for b, h in likes))
        if any(s != 202 for s in statuses):
            raise RuntimeError(f"warm-up Likes answered {statuses}")
        deadline = time.monotonic() + 30
        while (await progress(conn))["inbox_open"] and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

        # the blast
        ok = 0
        last_202 = 0.0
        nxt = 0

        async def worker():
            nonlocal ok, last_202, nxt
            while nxt < len(built):
                body, headers = built[nxt]
                nxt += 1
                status = await post(body, headers)
                if status == 202:
                    ok += 1
                    last_202 = time.time()
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

        cpu0 = C.cpu_seconds(ch_pid)
        pg0 = postgres_cpu()
        busy0, rx0, own0 = busy_cpu_seconds(), C.cpu_seconds(receiver_pid), own_cpu()
        gen0 = resource.getrusage(resource.RUSAGE_SELF)
        async def start_profile():
            await asyncio.sleep(args.profile_start)
            return await asyncio.create_subprocess_exec(
                "taskset", "-c", "1", "py-spy", "record", "-p", str(ch_pid), "-d", str(args.profile_seconds),
                "-r", "200", "--nonblocking", "-f", "raw", "-o", args.profile,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)

        profiling = asyncio.create_task(start_profile()) if args.profile else None
        t_first = time.time()
        posting = asyncio.gather(*(worker() for _ in range(args.concurrency)))

        # completion: every alert indexed with its boost decided
        t_seen = None
        samples = []
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            p = await progress(conn)
            samples.append((time.time() - t_first, p["decided"]))
            if posting.done() and not p["inbox_open"] and p["decided"] == p["indexed"]:
                t_seen = time.time()
                break
        await posting
        cpu_ingest = C.cpu_seconds(ch_pid) - cpu0
        pg_ingest = postgres_cpu() - pg0
        others = (busy_cpu_seconds() - busy0) - cpu_ingest - pg_ingest - (C.cpu_seconds(receiver_pid) - rx0) \
            - (own_cpu() - own0)
        ingest_wall = (t_seen or time.time()) - t_first
        gen1 = resource.getrusage(resource.RUSAGE_SELF)
        last = await conn.fetchrow(
            "SELECT (SELECT MAX(received_at) FROM indexed_alerts) AS indexed, "
            "(SELECT MAX(created_at) FROM activities WHERE type='Announce') AS announced")
        t_decided = max(v.timestamp() for v in last.values() if v is not None)

        # delivery of the boosts
        t_delivered = None
        while time.monotonic() < deadline:
            p = await progress(conn)
            if not p["fanout_open"] and not p["deliveries_open"]:
                t_delivered = time.time()
                break
            await asyncio.sleep(0.1)
        cpu_total = C.cpu_seconds(ch_pid) - cpu0
        counts = dict(await conn.fetchrow(
            "SELECT (SELECT COUNT(*) FROM indexed_alerts) AS indexed, "
            "(SELECT COUNT(*) FROM indexed_alerts WHERE boost='pending') AS pending, "
            "(SELECT COUNT(*) FROM indexed_alerts WHERE boost='boosted') AS boosted, "
            "(SELECT COUNT(*) FROM indexed_alerts WHERE boost='attached') AS attached, "
            "(SELECT COUNT(*) FROM activities WHERE type='Announce') AS announces, "
            "(SELECT COUNT(*) FROM boosts) AS boosts, "
            "(SELECT COUNT(*) FROM cases) AS cases, "
            "(SELECT COUNT(*) FROM deliveries WHERE status='done') AS delivered, "
            "(SELECT COUNT(*) FROM deliveries WHERE status='failed') AS delivery_failed, "
            "(SELECT COUNT(*) FROM inbox_items WHERE status='failed') AS inbox_failed"))
        prof = await profiling if profiling else None
        if prof:
            try:
                await asyncio.wait_for(prof.wait(), timeout=args.profile_seconds + 30)
            except TimeoutError:
                prof.kill()
                await prof.wait()
    finally:
        await conn.close()
        await session.close()
        for r in runners:
            await r.cleanup()
    rx = receiver_stats(control_port)
    return {
        "ok": ok, "errors": errors, "accept_s": last_202 - t_first, "accept_rate": ok / (last_202 - t_first),
        "ingest_s": t_decided - t_first, "ingest_rate": counts["indexed"] / (t_decided - t_first),
        "ingest_seen_s": ingest_wall, "node_cpu_ingest_pct": 100 * cpu_ingest / ingest_wall,
        "pg_cpu_ingest_pct": 100 * pg_ingest / ingest_wall,
        "others_pct": 100 * others / ingest_wall,
        "gen_cpu_pct": 100 * ((gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)) / ingest_wall,
        "delivered_s": (t_delivered - t_first) if t_delivered else None,
        "node_cpu_total_s": cpu_total, "rx": rx, "counts": counts, "samples": samples,
    }


def one_run(args, built, likes, ch_port, member_ports, pems_public, follower_ports) -> dict:
    base = C.tempdir()
    db, drop = C.pg_create(args.db)
    receiver = None
    try:
        data_dir = C.init_node(base, ch_port, db=db, name="ch", role="clearinghouse")
        members = [f"http://127.0.0.1:{p}/actors/alerts" for p in member_ports]
        followers = [(f"http://127.0.0.1:{p}/users/r{i}", f"http://127.0.0.1:{p}/users/r{i}/inbox")
                     for i, p in enumerate(follower_ports)]
        ch_pem = asyncio.run(seed(db, members, followers))
        pem_file = base / "ch.pem"
        pem_file.write_text(ch_pem)
        control_port = C.free_port()
        receiver = C.start_receiver(follower_ports, control_port, log=base / "receiver.log", pem_file=str(pem_file),
                                    verify_every=args.verify_every, clock="time", cpu=1)
        log = base / "ch.log"
        serve = ["serve", "--port", str(ch_port)]
        cmd = (["taskset", "-c", "0", sys.executable, str(C.ROOT / "bench" / "ch_ingest.py"), "--serve-with-modules",
                args.modules_from, *serve] if args.modules_from else C.aan_cmd(*serve, cpu=0))
        proc = C.spawn(cmd, log=log,
                       env={"AAN_DATA_DIR": str(data_dir), "AAN_LOG_LEVEL": "warning"})
        try:
            C.wait_healthy(proc, ch_port, log=log)
            r = _run_loop(blast(args, built, likes, ch_port, member_ports, pems_public, db, proc.pid, control_port,
                                receiver.pid))
            r["node_rss_mb"] = C.rss_kb(proc.pid) / 1024
            tail = [line for line in log.read_text(errors="replace").splitlines() if "ERROR" in line or "Traceback" in line]
            r["log_errors"] = len(tail)
            if tail:  # say what they were: a run that failed its check must show why
                print("  log errors of this run (first 10):", *tail[:10], sep="\n    ", flush=True)
            r["batch_fallbacks"] = log.read_text(errors="replace").count("processing them one by one")
        finally:
            C.stop_process(proc)
    finally:
        if receiver is not None:
            C.stop_process(receiver)
        drop()
        shutil.rmtree(base, ignore_errors=True)
    return r


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--alerts", type=int, default=4000, help="member alerts POSTed per run")
    p.add_argument("--members", type=int, default=10, help="fake member actors (each its own port and key)")
    p.add_argument("--followers", type=int, default=10, help="followers of the Clearing House (each its own inbox)")
    p.add_argument("--concurrency", type=int, default=64, help="POSTs in flight")
    p.add_argument("--runs", type=int, default=3, help="runs, each on a fresh database; median reported")
    p.add_argument("--verify-every", type=int, default=10, help="receivers verify every N-th signature")
    p.add_argument("--timeout", type=float, default=180, help="seconds to wait for ingest + delivery per run")
    p.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/postgres",
                   help="PostgreSQL admin URL; a fresh database is created next to it per run and dropped")
    p.add_argument("--profile", metavar="FILE", help="py-spy the Clearing House (raw stacks), see --profile-start")
    p.add_argument("--profile-seconds", type=int, default=5)
    p.add_argument("--profile-start", type=float, default=0.0, help="seconds after the first POST")
    p.add_argument("--quiet", type=float, default=0.25,
                   help="before each run, wait until the machine is at most this busy (shared VM)")
    p.add_argument("--quiet-wait", type=float, default=90, help="longest wait for --quiet, seconds")
    p.add_argument("--modules-from", metavar="DIR",
                   help="before/after comparisons: run the Clearing House with ingest.py, cases.py, matching.py "
                        "and handlers.py found in DIR in place of node's (e.g. copies of an earlier version)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    started = time.monotonic()

    from node.activitypub.keys import generate_private_key, private_key_to_pem, public_key_pem

    probe = C.speed_probe(0)
    keys = [generate_private_key() for _ in range(args.members)]
    pems, pems_public = [private_key_to_pem(k) for k in keys], [public_key_pem(k) for k in keys]
    ports = C.free_ports(1 + args.members + args.followers)
    ch_port, member_ports, follower_ports = ports[0], ports[1:1 + args.members], ports[1 + args.members:]
    bases = [f"http://127.0.0.1:{p}" for p in member_ports]
    specs = incidents_and_reports(args.alerts, args.members)
    for spec in specs:
        if spec["type"] == "update":
            spec["follows"] = alert_uri(specs[spec["follows_index"]], bases)
    t = time.monotonic()
    built, likes = prebuild(specs, pems, f"http://127.0.0.1:{ch_port}/inbox", bases, args.members)
    sizes = sorted(len(b) for b, _ in built)
    print(f"pre-built and signed {len(built)} Create(Note) activities in {time.monotonic() - t:.1f} s "
          f"(body median {sizes[len(sizes) // 2]:,} B); {len({s['incident'] for s in specs})} incidents, "
          f"{sum(1 for s in specs if s['follows_index'] is not None)} further reports "
          f"({sum(1 for s in specs if s['type'] == 'update')} updates that follow the first); "
          f"CPU 0 speed probe {probe:,} RSA-2048 signs/s (reference 4,222/s); loadavg {loadavg()}",
          flush=True)
    C.pin_self(1)
    results = []
    ok = True
    for run in range(args.runs):
        busy, waited = wait_quiet(args.quiet, args.quiet_wait)
        r = one_run(args, built, likes, ch_port, member_ports, pems_public, follower_ports)
        r["busy_before"], r["waited"] = busy, waited
        results.append(r)
        c, rx = r["counts"], r["rx"]
        expected_rx = c["boosted"] * args.followers
        good = (not r["errors"] and r["ok"] == args.alerts and c["indexed"] == args.alerts and not c["pending"]
                and c["announces"] == c["boosts"] == c["boosted"] and rx["distinct"] == expected_rx
                and c["delivered"] == expected_rx and not rx["verified_bad"] and not c["inbox_failed"]
                and not c["delivery_failed"] and not r["log_errors"])
        ok = ok and good
        deliv = (f"{rx['distinct']:,} Announces delivered ({rx['total']:,} POSTs) in "
                 f"{rx['last'] - rx['first']:.2f} s = {rx['total'] / max(1e-9, rx['last'] - rx['first']):,.0f}/s; "
                 f"all delivered {r['delivered_s']:.2f} s after the first POST" if r["delivered_s"] and rx["first"]
                 else "deliveries not finished")
        print(f"  run {run + 1}: ingest {r['ingest_rate']:,.0f} alerts/s ({c['indexed']:,} in {r['ingest_s']:.2f} s; "
              f"boosted {c['boosted']:,}, attached {c['attached']:,}, {c['cases']:,} cases); "
              f"inbox acceptance {r['accept_rate']:,.0f}/s ({r['ok']:,} x 202 in {r['accept_s']:.2f} s); "
              f"{deliv}; signatures checked {rx['verified_ok']} ok/{rx['verified_bad']} bad; "
              f"CPU during ingest: node {r['node_cpu_ingest_pct']:.0f}%, PostgreSQL {r['pg_cpu_ingest_pct']:.0f}%, "
              f"load generator {r['gen_cpu_pct']:.0f}%, other processes {r['others_pct']:.0f}% (of one CPU); "
              f"RSS {r['node_rss_mb']:.0f} MB; errors {r['errors'] or 0}, log errors {r['log_errors']}, "
              f"batches retried row by row {r['batch_fallbacks']}; "
              f"machine {100 * busy:.0f}% busy before the run (waited {waited:.0f} s) "
              f"[{'OK' if good else 'CHECK FAILED: ' + json.dumps(c)}]", flush=True)
    med = C.median
    ingest = [r["ingest_rate"] for r in results]
    print(f"ingest (POST -> indexed, clustered, boost decided, Announce queued): median {med(ingest):,.0f} alerts/s "
          f"(runs {', '.join(f'{x:,.0f}' for x in ingest)}); target >= 1,000/s: "
          f"{'met' if med(ingest) >= 1000 else f'MISSED by {1000 - med(ingest):,.0f}/s'}")
    accept = [r["accept_rate"] for r in results]
    print(f"inbox acceptance: median {med(accept):,.0f} alerts/s (runs {', '.join(f'{x:,.0f}' for x in accept)})")
    dl = [r["rx"]["total"] / (r["rx"]["last"] - r["rx"]["first"]) for r in results
          if r["rx"]["first"] and r["rx"]["last"] > r["rx"]["first"]]
    done = [r["delivered_s"] for r in results if r["delivered_s"]]
    probe_after = C.speed_probe(0)
    print(f"delivery: median {med(dl):,.0f} signed Announce POSTs/s = {med(dl) / ((probe + probe_after) / 2):.2f} x "
          f"the RSA-2048 signing rate of this run; every boost at all {args.followers} followers "
          f"{med(done):.2f} s after the first POST (median)")
    print(f"RSA-2048 signing rate, CPU 0, this run: {probe:,}/s before, {probe_after:,}/s after; ingest median "
          f"{med(ingest):,.0f} alerts/s = {med(ingest) / ((probe + probe_after) / 2):.3f} x that rate "
          f"({1e6 / max(1, med(ingest)):.0f} µs per alert against {2e6 / (probe + probe_after):.0f} µs per signature)")
    print(f"conditions: Clearing House = one `aan serve` (in-process workers) on PostgreSQL (fresh database per run), "
          f"pinned to CPU 0; load generator + fake members + {args.followers} follower inboxes on CPU 1; PostgreSQL "
          f"server unpinned; {args.alerts} alerts from {args.members} members, {args.concurrency} POSTs in flight; "
          f"{args.runs} run(s); wall time {time.monotonic() - started:.0f} s; loadavg now "
          f"{loadavg()}")
    print("check: " + ("every alert indexed, decided, boosts queued and delivered once, no errors" if ok else "FAILED"))
    if args.json:
        print(json.dumps(results, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
