"""Logging: one line per event, as text or as JSON lines, with the activity id on each.

``AAN_LOG_FORMAT=json`` writes one JSON object per line::

    {"ts": "2026-11-29T01:02:03.456Z", "level": "WARNING", "logger": "aan.delivery",
     "msg": "...", "activity": "https://node.example/activities/0195..."}

The activity comes from :data:`ACTIVITY`, a context variable set while one
activity is being received, processed, fanned out or delivered (each of those
runs in its own task or sets and resets it around the work), or from
``extra={"activity": ...}`` on the call. Text lines end with ``activity=...``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from datetime import UTC, datetime

import orjson

ACTIVITY: contextvars.ContextVar[str | None] = contextvars.ContextVar("aan_activity", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(activity_suffix)s"
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime",
                                                                          "activity_suffix"}


@contextlib.contextmanager
def activity(activity_id: str | None):
    """Log lines inside this block carry ``activity_id``."""
    token = ACTIVITY.set(activity_id)
    try:
        yield
    finally:
        ACTIVITY.reset(token)


class ActivityFilter(logging.Filter):
    """Adds ``record.activity`` (from ``extra`` or the context) and a text suffix."""

    def filter(self, record: logging.LogRecord) -> bool:
        value = getattr(record, "activity", None) or ACTIVITY.get()
        record.activity = value
        record.activity_suffix = f" activity={value}" if value else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if getattr(record, "activity", None):
            entry["activity"] = record.activity
        for key, value in record.__dict__.items():
            if key not in _RESERVED and key not in entry and key != "activity" and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def setup(level: str = "warning", fmt: str = "text") -> None:
    """Configure the root logger once for this process (replacing earlier handlers): ``fmt`` is
    ``text`` or ``json`` (JSON lines; ``AAN_LOG_FORMAT``, read by the entry point)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ActivityFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
