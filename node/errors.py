"""One error tree for the whole node.

Every error the node raises on purpose derives from :class:`AanError`. An error
carries two texts:

* ``public``: a short, fixed sentence that is safe to show to a peer (in an
  inbox answer) or a visitor (on a page). It never contains an address, a
  host name, a path or an exception text.
* ``detail``: what happened, for the log (and for the CLI, whose user is the
  operator of this node).

Adapters map the *kind* (the class) of an error, never its text:

    AanError                    base; CLI exit 2, HTTP 400
    ├── NotFound                no such thing; CLI exit 2, HTTP 404
    │   └── Gone                it existed and was deleted; HTTP 410
    ├── Invalid                 bad input; ``fields`` maps a field name to its message;
    │                           CLI exit 2, HTTP 400 (422 for forms)
    ├── Forbidden               not allowed; HTTP 403
    │   └── Unauthenticated     identity not proven (bad or missing signature); HTTP 401
    ├── Conflict                the state does not allow it (already done, duplicate); HTTP 409
    ├── RemoteFailure           a peer could not be reached or answered badly;
    │   │                       ``permanent`` says whether retrying can help; HTTP 502
    │   └── RefusedAddress      an address we never contact (private, loopback, blocked); HTTP 403
    └── ConfigurationError      the node is set up wrong (data dir, settings); CLI exit 2

``exit_code`` and ``status`` on each class are the defaults adapters use.
"""

from __future__ import annotations

from collections.abc import Mapping


class AanError(Exception):
    """Base of every error the node raises on purpose."""

    public: str = "the request could not be completed"
    status: int = 400
    exit_code: int = 2

    def __init__(self, detail: str | None = None, *, public: str | None = None):
        self.detail = detail if detail is not None else (public or type(self).public)
        if public is not None:
            self.public = public
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail


class NotFound(AanError):
    public = "not found"
    status = 404


class Gone(NotFound):
    public = "gone"
    status = 410


class Invalid(AanError, ValueError):
    """Bad input. ``fields`` maps field names to messages, for forms that show them all at once."""

    public = "invalid input"
    status = 400

    def __init__(self, detail: str | None = None, *, public: str | None = None,
                 fields: Mapping[str, str] | None = None):
        self.fields: dict[str, str] = dict(fields or {})
        if detail is None and self.fields:
            detail = "; ".join(f"{name}: {message}" for name, message in self.fields.items())
        super().__init__(detail, public=public)


class Forbidden(AanError):
    public = "forbidden"
    status = 403


class Unauthenticated(Forbidden):
    public = "not authenticated"
    status = 401


class Conflict(AanError):
    public = "conflict"
    status = 409


class RemoteFailure(AanError):
    """A peer could not be reached or answered badly.

    ``permanent`` is True when retrying cannot help (the name does not exist, the peer
    answered 4xx other than 408/429); ``status`` of the peer's answer if there was one
    is ``remote_status``.
    """

    public = "a remote server could not be reached"
    status = 502

    def __init__(self, detail: str | None = None, *, public: str | None = None,
                 permanent: bool = False, remote_status: int | None = None):
        self.permanent = permanent
        self.remote_status = remote_status
        super().__init__(detail, public=public)


class RefusedAddress(RemoteFailure):
    """An address we never contact: private, loopback, link-local, or blocked by policy."""

    public = "refused address"
    status = 403

    def __init__(self, detail: str | None = None, *, public: str | None = None):
        super().__init__(detail, public=public, permanent=True)


class ConfigurationError(AanError):
    public = "the node is not set up correctly"
    status = 500
