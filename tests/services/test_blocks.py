"""node.services.blocks: domain blocks and the federation mode, called as ``aan block`` calls them; every change
reaches the policy a running process enforces (both databases)."""

from __future__ import annotations

import pytest
from conftest import make_node_config

from node import errors
from node.cli._base import open_node
from node.ops.blocks import DomainPolicy, signature
from node.services import blocks
from node.storage.models import DomainBlock

MASTODON_CSV = """#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
spam.example,suspend,false,false,Spam wave,false
loud.example,silence,false,false,,false
exa***.com,suspend,false,false,,true
"""


@pytest.fixture
async def node(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path, domain="node.example")
    async with open_node(config) as opened:
        yield opened


async def policy(node) -> DomainPolicy:
    return await DomainPolicy(own=node.config.domain).load()


async def test_add_normalises_blocks_subdomains_and_is_seen_by_other_processes(node):
    before = await signature()
    row = await blocks.add("https://Evil.Example/@someone", reason="spam", own=node.config.domain)
    assert (row.domain, row.kind, row.reason) == ("evil.example", "block", "spam")
    assert await signature() != before  # running processes reload their policy
    enforced = await policy(node)
    assert enforced.refuses("https://sub.evil.example/inbox") and not enforced.refuses("https://good.example/")
    again = await blocks.add("evil.example", reason="still spam", own=node.config.domain)  # updates, no duplicate
    assert again.reason == "still spam" and await DomainBlock.all().count() == 1


@pytest.mark.parametrize("domain, kind", [("node.example", "block"), ("not a domain", "block"),
                                          ("", "block"), ("fine.example", "mute")])
async def test_add_refuses_bad_input_and_changes_nothing(node, domain, kind):
    before = await signature()
    with pytest.raises(errors.Invalid):
        await blocks.add(domain, kind=kind, own=node.config.domain)
    assert await DomainBlock.all().count() == 0 and await signature() == before


async def test_remove_listing_and_mode(node):
    await blocks.add("b.example", own=node.config.domain)
    await blocks.add("a.example", kind="allow", own=node.config.domain)
    assert [(r.kind, r.domain) for r in await blocks.listing()] == [("allow", "a.example"), ("block", "b.example")]
    assert await blocks.get_mode() == "blocklist"
    await blocks.set_mode("allowlist")
    assert await blocks.get_mode() == "allowlist"
    enforced = await policy(node)
    assert not enforced.refuses("a.example") and enforced.refuses("c.example")
    assert not enforced.refuses("node.example")  # never ourselves
    with pytest.raises(errors.Invalid):
        await blocks.set_mode("everyone")
    assert await blocks.get_mode() == "allowlist"
    assert await blocks.remove("B.example.")
    assert not await blocks.remove("b.example")  # no longer listed
    assert [r.domain for r in await blocks.listing()] == ["a.example"]


async def test_import_a_mastodon_export_then_a_plain_list(node):
    done = await blocks.import_list(MASTODON_CSV, name="/tmp/mastodon.csv", own=node.config.domain)
    assert (done.new, done.updated) == (1, 0)
    assert sorted(line for line, _ in done.skipped) == ["exa***.com", "loud.example"]
    row = await DomainBlock.get(domain="spam.example")
    assert row.reason == "Spam wave"
    plain = "spam.example\n# a comment\nnode.example\nhttps://new.example/@x  trailing words\n"
    done = await blocks.import_list(plain, name="list.txt", reason="", own=node.config.domain)
    assert (done.new, done.updated, done.skipped) == (1, 1, [])  # our own domain is left out
    assert (await DomainBlock.get(domain="new.example")).reason == "imported from list.txt"
    assert not await DomainBlock.filter(domain="node.example").exists()
    assert (await policy(node)).refuses("new.example")


async def test_import_of_a_list_naming_nothing_is_refused(node):
    before = await signature()
    with pytest.raises(errors.Invalid, match="empty.txt lists no domains"):
        await blocks.import_list("# nothing here\n\n", name="empty.txt", own=node.config.domain)
    assert await DomainBlock.all().count() == 0 and await signature() == before
