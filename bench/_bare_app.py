"""The bare stack the node is compared with in ``bench/startup.py``: uvicorn (uvloop, httptools)
serving a Starlette app, with cryptography holding one RSA-2048 private key, and nothing else.

    python bench/_bare_app.py PORT KEY.pem

``GET /healthz`` answers ``{"status": "ok"}``; ``GET /sign`` signs 200 bytes with the key
(RSA-SHA256, PKCS#1 v1.5, as an HTTP signature does) and answers the signature's length.
The key is loaded as the node loads its own keys (no validation on load).
"""

import sys

import uvicorn
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

PORT, KEY_FILE = int(sys.argv[1]), sys.argv[2]
with open(KEY_FILE, "rb") as fh:
    KEY = serialization.load_pem_private_key(fh.read(), password=None, unsafe_skip_rsa_key_validation=True)


async def healthz(request):
    return JSONResponse({"status": "ok"})


async def sign(request):
    return JSONResponse({"length": len(KEY.sign(b"x" * 200, padding.PKCS1v15(), hashes.SHA256()))})


app = Starlette(routes=[Route("/healthz", healthz), Route("/sign", sign)])
uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=PORT, loop="uvloop", http="httptools", ws="none",
                              access_log=False, log_config=None, log_level="warning")).run()
