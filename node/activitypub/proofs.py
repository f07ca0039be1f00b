"""Object integrity proofs (FEP-8b32, ``eddsa-jcs-2022``) and actor Multikeys (FEP-521a).

An integrity proof makes a JSON document self-authenticating: whoever holds it can check,
long after delivery and without trusting the server that passed it on, that the actor
whose key is named signed exactly these bytes. Joint actions use it for signatures.

The algorithm is the W3C *Data Integrity EdDSA Cryptosuites v1.0* ``eddsa-jcs-2022``
(sections 3.3.1 Create Proof, 3.3.2 Verify Proof, 3.3.3 Transformation, 3.3.4 Hashing,
3.3.5 Proof Configuration), as FEP-8b32 asks:

* the proof options are ``type: DataIntegrityProof``, ``cryptosuite: eddsa-jcs-2022``,
  ``verificationMethod`` (``<actor>#ed25519-key``), ``proofPurpose: assertionMethod`` and
  ``created``; when the document has an ``@context``, the proof carries a copy of it;
* hash data = SHA-256(JCS(proof options)) || SHA-256(JCS(document without ``proof``));
* ``proofValue`` = ``z`` + base58btc(Ed25519 signature of the hash data).

Verification removes ``proofValue`` from the proof and ``proof`` from the document, checks
that the document's ``@context`` starts with the proof's ``@context`` and uses the proof's,
and checks the signature. A linked-data ``signature`` (Mastodon's RsaSignature2017) is
removed first (FEP-8b32, "Backward compatibility").

JCS (RFC 8785) is the ``rfc8785`` package (Trail of Bits): it refuses numbers outside the
I-JSON range instead of rounding them. Base58 is the ``base58`` package.

Keys: an Ed25519 key pair per local actor; the public key is published as a FEP-521a
``Multikey`` in the actor's ``assertionMethod``; ``publicKeyMultibase`` is ``z`` +
base58btc(0xed 0x01 + the 32 raw key bytes), which always starts with ``z6Mk``.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from datetime import UTC, datetime
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from node import errors

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"
KEY_FRAGMENT = "ed25519-key"  # the verification method is <actor>#ed25519-key
MULTIKEY_TYPE = "Multikey"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"  # for signed documents (FEP-8b32)
MULTIKEY_CONTEXTS = ["https://w3id.org/security/data-integrity/v1", "https://w3id.org/security/multikey/v1"]
ED25519_MULTICODEC = b"\xed\x01"  # multicodec "ed25519-pub", varint-encoded

# The reasons a proof is refused: fixed strings, safe to show to a peer.
NO_PROOF = "no proof"
UNSUPPORTED = "unsupported cryptosuite"
WRONG_PURPOSE = "wrong purpose"
BAD_SIGNATURE = "bad signature"
UNKNOWN_KEY = "unknown key"
KINDS = (NO_PROOF, UNSUPPORTED, WRONG_PURPOSE, BAD_SIGNATURE, UNKNOWN_KEY)


class ProofError(errors.Invalid):
    """A document's integrity proof is missing or does not hold.

    ``kind`` is one of :data:`KINDS` (decide on it, never on the message); it is also the
    public text, prefixed with "integrity proof: ". ``detail`` says more, for the log.
    """

    public = "invalid integrity proof"

    def __init__(self, kind: str, detail: str | None = None):
        if kind not in KINDS:
            raise ValueError(f"unknown proof error kind {kind!r}")
        self.kind = kind
        super().__init__(f"{kind}: {detail}" if detail else kind, public=f"integrity proof: {kind}")


# --- keys ---------------------------------------------------------------------------------------

_private_keys: dict[str, Ed25519PrivateKey] = {}
_private_keys_lock = threading.Lock()


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> str:
    """Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as the RSA keys are stored."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def load_private_key(pem: str) -> Ed25519PrivateKey:
    """One of our own Ed25519 private keys, cached per PEM string; ValueError if it is not one."""
    key = _private_keys.get(pem)
    if key is not None:
        return key
    try:
        loaded = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"malformed private key PEM: {exc}") from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"expected an Ed25519 private key, got {type(loaded).__name__}")
    with _private_keys_lock:
        return _private_keys.setdefault(pem, loaded)


def encode_multikey(public_key: Ed25519PublicKey) -> str:
    """FEP-521a ``publicKeyMultibase``: ``z`` + base58btc(0xed01 + 32 key bytes), ``z6Mk…``."""
    raw = public_key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def decode_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 key of a ``publicKeyMultibase``; ProofError("unknown key") if it is not one."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 128:
        raise ProofError(UNKNOWN_KEY, "publicKeyMultibase is not a base58btc multibase value")
    try:
        data = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError(UNKNOWN_KEY, f"publicKeyMultibase is not base58btc: {exc}") from None
    if not data.startswith(ED25519_MULTICODEC):
        raise ProofError(UNKNOWN_KEY, "publicKeyMultibase is not an Ed25519 key (multicodec 0xed01)")
    if len(data) != len(ED25519_MULTICODEC) + 32:
        raise ProofError(UNKNOWN_KEY, f"Ed25519 key of {len(data) - len(ED25519_MULTICODEC)} bytes, not 32")
    return Ed25519PublicKey.from_public_bytes(data[len(ED25519_MULTICODEC):])


def key_id(actor_id: str) -> str:
    """The verification method of ``actor_id``'s key: ``<actor>#ed25519-key``."""
    return f"{actor_id}#{KEY_FRAGMENT}"


def controller_of(verification_method: str) -> str:
    """The actor a verification method belongs to: its URL without the fragment."""
    return verification_method.split("#", 1)[0]


def multikey(actor_id: str, public_key_multibase: str) -> dict:
    """The FEP-521a ``Multikey`` entry an actor lists in ``assertionMethod``."""
    return {"id": key_id(actor_id), "type": MULTIKEY_TYPE, "controller": actor_id,
            "publicKeyMultibase": public_key_multibase}


# --- JCS and the cryptosuite ------------------------------------------------------------------------

def canonicalize(document: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme, UTF-8; errors.Invalid for what JCS cannot encode
    (NaN, infinities, integers beyond ±2**53, non-JSON types)."""
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise errors.Invalid(f"not canonicalisable JSON: {exc}") from None


def _hash_data(document: dict, proof_config: dict) -> bytes:
    """3.3.4 Hashing: SHA-256(canonical proof config) || SHA-256(canonical document)."""
    return hashlib.sha256(canonicalize(proof_config)).digest() + hashlib.sha256(canonicalize(document)).digest()


def _xsd_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(document: dict, private_key: Ed25519PrivateKey, verification_method: str, *,
         created: datetime | None = None, purpose: str = ASSERTION_METHOD) -> dict:
    """A copy of ``document`` with an ``eddsa-jcs-2022`` ``DataIntegrityProof`` added as ``proof``.

    The document must not carry a proof already (FEP-8b32: one proof per object).
    """
    if "proof" in document:
        raise errors.Invalid("the document already carries a proof")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
        "created": _xsd_datetime(created or datetime.now(UTC)),
    }
    if "@context" in document:
        proof["@context"] = copy.deepcopy(document["@context"])
    signature = private_key.sign(_hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**copy.deepcopy(document), "proof": proof}


def _the_proof(document: dict) -> dict:
    if not isinstance(document, dict):
        raise ProofError(NO_PROOF, "not a JSON object")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) > 1:
            raise ProofError(BAD_SIGNATURE, "more than one proof")
        proof = proof[0] if proof else None
    if proof is None:
        raise ProofError(NO_PROOF, "the document has no proof")
    if not isinstance(proof, dict):
        raise ProofError(BAD_SIGNATURE, "the proof is not an object")
    return proof


def verification_method_of(document: dict) -> str:
    """The ``verificationMethod`` of the document's proof (look the key up with it)."""
    method = _the_proof(document).get("verificationMethod")
    if not isinstance(method, str) or not method.startswith(("https://", "http://")):
        raise ProofError(UNKNOWN_KEY, "the proof names no verification method URL")
    return method


def _as_list(context: Any) -> list:
    return context if isinstance(context, list) else [context]


def _parse_datetime(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ProofError(BAD_SIGNATURE, f"proof {name} is not a date-time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ProofError(BAD_SIGNATURE, f"proof {name} is not a date-time") from None
    if "T" not in value.upper():
        raise ProofError(BAD_SIGNATURE, f"proof {name} is not a date-time")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verify(document: dict, public_key: Ed25519PublicKey, *, purpose: str = ASSERTION_METHOD,
           now: datetime | None = None) -> dict:
    """Check ``document``'s proof against ``public_key``; return the proof, or raise ProofError.

    The caller still has to check that the proof's verification method belongs to the
    actor the document speaks for, and that ``public_key`` is that method's key.
    """
    proof = _the_proof(document)
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(UNSUPPORTED, f"type {proof.get('type')!r}, cryptosuite {proof.get('cryptosuite')!r}")
    if proof.get("proofPurpose") != purpose:
        raise ProofError(WRONG_PURPOSE, f"proofPurpose {proof.get('proofPurpose')!r}, expected {purpose!r}")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 128:
        raise ProofError(BAD_SIGNATURE, "proofValue is not a base58btc multibase value")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        raise ProofError(BAD_SIGNATURE, "proofValue is not base58btc") from None
    if len(signature) != 64:
        raise ProofError(BAD_SIGNATURE, f"proofValue holds {len(signature)} bytes, not an Ed25519 signature")
    if "created" in proof:
        _parse_datetime(proof["created"], "created")
    if "expires" in proof and _parse_datetime(proof["expires"], "expires") <= (now or datetime.now(UTC)):
        raise ProofError(BAD_SIGNATURE, "the proof has expired")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if isinstance(unsecured.get("signature"), dict):
        del unsecured["signature"]  # a linked-data signature is made after the proof (FEP-8b32)
    if "@context" in options:
        wanted = _as_list(options["@context"])
        if _as_list(document.get("@context"))[:len(wanted)] != wanted:
            raise ProofError(BAD_SIGNATURE, "the document's @context does not start with the proof's")
        unsecured["@context"] = options["@context"]
    try:
        hash_data = _hash_data(unsecured, options)
    except errors.Invalid as exc:
        raise ProofError(BAD_SIGNATURE, exc.detail) from None
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        raise ProofError(BAD_SIGNATURE, "the signature does not match the document") from None
    return copy.deepcopy(proof)
