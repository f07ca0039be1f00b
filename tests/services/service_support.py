"""The open node the service functions take, opened the way the CLI opens it (``node.cli._base.open_node``)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE, make_node_config

from node.alerts import parse_alert_file
from node.cli._base import open_node


@pytest.fixture
async def node(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)
    async with open_node(config) as opened:
        yield opened


@pytest.fixture
def example_alert():
    return parse_alert_file(EXAMPLE.read_text(encoding="utf-8"))
