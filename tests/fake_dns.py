"""One fake resolver for the tests: answers that change from one lookup to the next.

``FakeDNS({"rebind.test": ["2606:4700:4700::1111", "127.0.0.1"]})`` answers the
first lookup of ``rebind.test`` with the public address and every later one with
``127.0.0.1`` (the last answer repeats), as a DNS-rebinding attacker's name server
would. An answer may also be an exception to raise, such as
``socket.gaierror(socket.EAI_AGAIN, ...)``. Names it does not know go to the real
resolver. ``FakeDNS.public(names)`` answers every one of ``names`` with a public address
(the fake peers of ``tests/peers.py``: ``FakeDNS.public(fediverse.peers)``, which also
answers for peers added to the fediverse later).

Use it as the node's resolver (``netguard.Resolve``: ``Deliverer(resolve=dns)``) or,
with :meth:`install`, in place of the event loop's ``getaddrinfo``, which is what
the node's HTTP clients and any unguarded code resolve through: then every lookup
anywhere in the process is counted in :attr:`lookups`.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import Collection, Iterable

PUBLIC_IP = "93.184.215.14"  # a public address (example.com's): where the fake peers "are"


def gai_error(code: int) -> socket.gaierror:
    return socket.gaierror(code, {socket.EAI_AGAIN: "Temporary failure in name resolution",
                                  socket.EAI_NONAME: "Name or service not known"}.get(code, "resolver error"))


class FakeDNS:
    def __init__(self, answers: dict[str, list[str | BaseException]]):
        self.answers = {host: list(values) for host, values in answers.items()}
        self.lookups: Counter[str] = Counter()
        self._real = None
        self._public: Collection[str] = ()

    @classmethod
    def public(cls, names: Collection[str], *, loopback: Iterable[str] = ()) -> FakeDNS:
        """Every name of ``names`` at :data:`PUBLIC_IP`, but those in ``loopback`` at 127.0.0.1.

        ``names`` is read at each lookup, so a name added to it later resolves too."""
        dns = cls({name: ["127.0.0.1"] for name in loopback})
        dns._public = names
        return dns

    async def __call__(self, host: str | bytes, port, *args, **kwargs) -> list[tuple]:
        name = host.decode("idna") if isinstance(host, bytes) else host  # anyio passes IDNA bytes
        if name not in self.answers and name in self._public:
            self.answers[name] = [PUBLIC_IP]
        if name not in self.answers:
            if self._real is None:
                raise gai_error(socket.EAI_NONAME)
            return await self._real(host, port, *args, **kwargs)
        values = self.answers[name]
        answer = values[min(self.lookups[name], len(values) - 1)]
        self.lookups[name] += 1
        if isinstance(answer, BaseException):
            raise answer
        port = int(port or 0)
        if ":" in answer:
            return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, port))]

    def install(self, monkeypatch) -> FakeDNS:
        """Answer for the running event loop's ``getaddrinfo`` (other names resolve for real)."""
        loop = asyncio.get_running_loop()
        self._real = loop.getaddrinfo
        monkeypatch.setattr(loop, "getaddrinfo", self)
        return self
