"""The `aan` command line: exact outputs, one-line errors, and bad input changing nothing."""

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLE, ROOT, aan


def state(data) -> tuple[list, str]:
    listing = [json.loads(line) for line in aan("alert", "list", "--json", data_dir=data).stdout.splitlines()]
    return listing, aan("deliveries", data_dir=data).stdout


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aan: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_publish_prints_only_the_new_id(node_dir):
    result = aan("alert", "publish", str(EXAMPLE), data_dir=node_dir)
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"https://alerts\.example\.org/alerts/[0-9a-f]+", lines[0])
    listing, _ = state(node_dir)
    assert [a["id"] for a in listing] == lines
    assert listing[0]["headline"] == "Journalist detained after reporting on protests"


@pytest.mark.parametrize("mutation, fragment", [
    (lambda t: t.replace("headline: Journalist detained after reporting on protests\n", ""), "headline"),
    (lambda t: t.replace("categories: [detention]", "categories: [detentions]"), "detentions"),
    (lambda t: t.replace("country: TR", "country: XX"), "XX"),
    (lambda t: t.replace("categories: [detention]", "categories: [detention"), "YAML"),
    (lambda t: t.replace("---\n", "", 1), "front matter"),
])
def test_bad_alert_files_change_nothing(node_dir, tmp_path, mutation, fragment):
    before = state(node_dir)
    bad = tmp_path / "bad.md"
    bad.write_text(mutation(EXAMPLE.read_text()))
    assert_one_line_error(aan("alert", "publish", str(bad), data_dir=node_dir, check=False), fragment)
    assert state(node_dir) == before


def test_unknown_ids_are_refused(node_dir):
    before = state(node_dir)
    assert_one_line_error(aan("alert", "update", "nope", str(EXAMPLE), data_dir=node_dir, check=False), "nope")
    assert_one_line_error(aan("alert", "delete", "nope", data_dir=node_dir, check=False), "nope")
    assert state(node_dir) == before


def test_update_and_delete_take_the_url_or_the_short_id(node_dir):
    url = aan("alert", "publish", str(EXAMPLE), data_dir=node_dir).stdout.strip()
    short = url.rsplit("/", 1)[1]
    assert aan("alert", "update", short, str(EXAMPLE), data_dir=node_dir).stdout.strip() == url
    aan("alert", "delete", url, data_dir=node_dir)
    listing, _ = state(node_dir)
    assert listing[0]["state"] == "deleted"
    assert_one_line_error(aan("alert", "delete", url, data_dir=node_dir, check=False), short)


def test_missing_file_is_a_clear_error(node_dir):
    assert_one_line_error(aan("alert", "publish", "/nonexistent.md", data_dir=node_dir, check=False),
                          "/nonexistent.md")


def test_commands_without_a_node_say_so(tmp_path):
    result = aan("alert", "list", data_dir=tmp_path / "empty", check=False)
    assert_one_line_error(result, "aan init")


@pytest.mark.parametrize("args, fragment", [
    (["--domain", "bad domain!", "--name", "X"], "--domain"),
    (["--domain", "ok.example", "--name", "X", "--username", "no spaces"], "--username"),
    (["--domain", "ok.example", "--name", "X", "--db", "mysql://x"], "mysql"),
])
def test_init_rejects_bad_arguments_and_creates_nothing(tmp_path, args, fragment):
    data = tmp_path / "n"
    assert_one_line_error(aan("init", *args, data_dir=data, check=False), fragment)
    assert not (data / "config.json").exists()


def test_init_twice_is_refused(node_dir):
    result = aan("init", "--domain", "x.example", "--name", "X", data_dir=node_dir, check=False)
    assert_one_line_error(result, "already holds a node")


def test_demo_on_a_busy_port_says_so_and_sets_up_nothing(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = aan("demo", "--port", str(port), data_dir=tmp_path / "demo", check=False)
    assert_one_line_error(result, f"port {port}", "already in use")
    assert "password" not in result.stderr
    assert not (tmp_path / "demo" / "config.json").exists()


def test_received_shows_what_arrived():
    from node.cli.federation import _what_arrived

    note = {"content": "<p><strong>Reporter held</strong></p><p>More text here</p>",
            "contentMap": {"fr": "<p>Journaliste</p>"}, "published": "2026-12-01T10:00:00Z"}
    assert _what_arrived(note) == {"headline": "Reporter held More text here", "language": "fr",
                                   "published": "2026-12-01T10:00:00Z"}
    alert = {"alert": {"headline": "Paper banned", "language": "ar"}, "content": "<p>x</p>"}
    assert _what_arrived(alert)["headline"] == "Paper banned" and _what_arrived(alert)["language"] == "ar"


def test_publishing_the_same_alert_twice_needs_force(node_dir, tmp_path):
    first = aan("alert", "publish", str(EXAMPLE), data_dir=node_dir).stdout.strip()
    before = state(node_dir)
    result = aan("alert", "publish", str(EXAMPLE), data_dir=node_dir, check=False)
    assert_one_line_error(result, first, "same headline", "--force")
    assert state(node_dir) == before
    # another target, or an incident more than a week apart, is another alert
    other = tmp_path / "other.md"
    other.write_text(EXAMPLE.read_text().replace("incident_date: 2026-", "incident_date: 2025-"))
    assert aan("alert", "publish", str(other), data_dir=node_dir).stdout.strip() != first
    forced = aan("alert", "publish", "--force", str(EXAMPLE), data_dir=node_dir).stdout.strip()
    assert forced != first and len(state(node_dir)[0]) == 3


def test_deleting_twice_says_already_deleted(node_dir):
    url = aan("alert", "publish", str(EXAMPLE), data_dir=node_dir).stdout.strip()
    aan("alert", "delete", url, data_dir=node_dir)
    assert_one_line_error(aan("alert", "delete", url, data_dir=node_dir, check=False), "already deleted")


def test_serve_on_an_fd_that_is_no_socket_is_a_clear_error(node_dir, tmp_path):
    closed = aan("serve", "--fd", "987", data_dir=node_dir, check=False)
    assert closed.returncode == 2 and "not an open socket" in closed.stderr, closed.stderr
    with open(tmp_path / "plain.txt", "w") as plain:  # an open file, inherited: still no socket
        result = subprocess.run([sys.executable, "-m", "node.cli", "serve", "--fd", str(plain.fileno())],
                                capture_output=True, text=True, cwd=ROOT, pass_fds=[plain.fileno()],
                                env={**os.environ, "AAN_DATA_DIR": str(node_dir)}, timeout=300)
    assert result.returncode == 2 and "not an open socket" in result.stderr, result.stderr
