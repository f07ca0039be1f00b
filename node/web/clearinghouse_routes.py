"""The Clearing House's pages, declared without importing them (:mod:`node.web.lazy`).

:mod:`node.web.clearinghouse` (templates, case search, digests) is imported by the first
request for one of these pages; ``node.app`` puts these routes before the member routes.
"""

from __future__ import annotations

from starlette.routing import Route

from node.web.lazy import lazy

PAGES = (  # path, endpoint in node.web.clearinghouse
    ("/", "index_endpoint"),
    ("/alerts", "index_endpoint"),
    ("/cases/{case_id:str}", "case_endpoint"),
    ("/members", "members_endpoint"),
    ("/joint", "joint_endpoint"),
    ("/feed.atom", "feed_endpoint"),
    ("/feeds/country/{cc:str}.atom", "country_feed_endpoint"),
    ("/feeds/category/{code:str}.atom", "category_feed_endpoint"),
    ("/digest", "digest_endpoint"),
    ("/digest.atom", "digest_feed_endpoint"),
    ("/digest/{week:str}", "digest_endpoint"),
)


def _pages():
    from node.web import clearinghouse

    return clearinghouse


def routes() -> list[Route]:
    """The Clearing House's own index, cases, members, digest and feeds."""
    return [Route(path, lazy(_pages, name)) for path, name in PAGES]
