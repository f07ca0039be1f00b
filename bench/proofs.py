"""Integrity proofs (node.activitypub.proofs): signs and verifies per second of a signed ``Accept``
(about 1 KB, the size of a joint-action signature), and JCS alone with ``rfc8785`` (used) and ``jcs``
(the other package on PyPI), each as a ratio to RSA-2048 signs per second measured on the same CPU
in the same run (``speed_probe``: the machine's speed varies).

    .venv/bin/python bench/proofs.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import OtherLoad, boost_priority, pin_self, speed_probe, wait_quiet  # noqa: E402

from node.activitypub import proofs  # noqa: E402

CPU = 0
ACTOR = "https://alerts.example.org/actors/alerts"


def accept() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", proofs.DATA_INTEGRITY_CONTEXT,
                     {"aan": "https://w3id.org/aan/ns#", "jointAction": {"@id": "aan:jointAction", "@type": "@json"}}],
        "id": f"{ACTOR}/activities/01JEX0A1B2C3", "type": "Accept", "actor": ACTOR,
        "object": {"id": "https://pen.example.net/activities/01JEWZZZ9", "type": "Invite",
                   "actor": "https://pen.example.net/actors/pen", "target": ACTOR,
                   "object": "https://pen.example.net/joint/01JEWZZZ8"},
        "to": ["https://pen.example.net/actors/pen"],
        "jointAction": {"statement": "https://pen.example.net/joint/01JEWZZZ8", "version": 3,
                        "textDigest": "sha256:" + "ab" * 32, "title": "Free the journalists of Özgür Gündem",
                        "signer": {"name": "Example Org — Liberté de la presse", "url": ACTOR},
                        "asks": ["Release them now", "Drop all charges", "Let them work freely"] * 3},
    }


def rate(fn, seconds: float) -> float:
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    boost_priority()
    pin_self(CPU)
    import jcs

    key = proofs.generate_private_key()
    public = key.public_key()
    document = accept()
    signed = proofs.sign(document, key, f"{ACTOR}#ed25519-key")
    assert jcs.canonicalize(document) == proofs.canonicalize(document)
    size = len(proofs.canonicalize(signed))
    wait_quiet(max_wait=60)
    ceiling = speed_probe(CPU)
    load = OtherLoad(own=(os.getpid(),), cpu=CPU)
    load.start()
    figures = {
        "sign": rate(lambda: proofs.sign(document, key, f"{ACTOR}#ed25519-key"), args.seconds),
        "verify": rate(lambda: proofs.verify(signed, public), args.seconds),
        "JCS rfc8785": rate(lambda: proofs.canonicalize(document), args.seconds),
        "JCS jcs": rate(lambda: jcs.canonicalize(document), args.seconds),
    }
    others = load.stop()
    after = speed_probe(CPU)
    print(f"signed Accept: {size} bytes canonical; ceiling RSA-2048 signs/s on CPU {CPU}: {ceiling} before, "
          f"{after} after; others used {others:.2f} of that CPU meanwhile")
    base = (ceiling + after) / 2
    for name, value in figures.items():
        print(f"  {name:12s} {value:9.0f}/s  = {value / base:6.2f} x RSA-2048 signs")


if __name__ == "__main__":
    main()
