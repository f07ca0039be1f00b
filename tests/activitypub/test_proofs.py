"""node.activitypub.proofs: RFC 8785 JCS, FEP-521a Multikeys, FEP-8b32 ``eddsa-jcs-2022`` proofs.

Checked against the published vectors (RFC 8785's examples, FEP-521a's Multikey example,
FEP-8b32's fep-8b32.feature, the W3C vc-di-eddsa eddsa-jcs-2022 vector) and against an
independent implementation (``apsig``, tests only) in both directions.
"""

from __future__ import annotations

import copy
import struct
from datetime import UTC, datetime, timedelta

import base58
import pytest
from apsig import ProofSigner, ProofVerifier
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from node import errors
from node.activitypub import proofs
from node.activitypub.proofs import ProofError

# --- RFC 8785 ----------------------------------------------------------------------------------


def test_jcs_rfc8785_section_3_2_2_example():
    # RFC 8785, 3.2.2 (the input is written here as the parsed values; the RFC writes them as JSON text)
    document = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    assert proofs.canonicalize(document) == (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    ).encode()


def test_jcs_rfc8785_section_3_2_3_sorts_by_utf16_code_units():
    document = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
                "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
                "\u00f6": "Latin Small Letter O With Diaeresis"}
    assert proofs.canonicalize(document) == (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",'
        '"\u20ac":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    ).encode()


# RFC 8785 Appendix B: IEEE 754 bit patterns and their serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), APPENDIX_B)
def test_jcs_rfc8785_appendix_b_numbers(bits, text):
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert proofs.canonicalize([value]) == f"[{text}]".encode()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**53 + 1, {1, 2}])
def test_jcs_refuses_what_it_cannot_encode_exactly(value):
    with pytest.raises(errors.Invalid):
        proofs.canonicalize({"a": value})


# --- Multikey (FEP-521a) -------------------------------------------------------------------------

# W3C vc-di-eddsa TestVectors/keyPair.json, also the key of FEP-8b32's fep-8b32.feature
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec ed25519-priv (0x8026)
VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def vector_key() -> Ed25519PrivateKey:
    raw = base58.b58decode(VECTOR_SECRET[1:])
    assert raw[:2] == b"\x80\x26"
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def test_multikey_fep_521a_example():
    # fep-521a.feature, "Representing Ed25519 public key"
    key = Ed25519PublicKey.from_public_bytes(
        bytes.fromhex("2e6fcce36701dc791488e0d0b1745cc1e33a4c1c9fcc41c63bd343dbbe0970e6"))
    assert proofs.encode_multikey(key) == "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    assert proofs.multikey("https://server.example/users/alice", proofs.encode_multikey(key)) == {
        "id": "https://server.example/users/alice#ed25519-key", "type": "Multikey",
        "controller": "https://server.example/users/alice",
        "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}


def test_multikey_of_the_test_vector_key():
    assert proofs.encode_multikey(vector_key().public_key()) == VECTOR_PUBLIC


def test_multikey_round_trip():
    for _ in range(20):
        public = Ed25519PrivateKey.generate().public_key()
        encoded = proofs.encode_multikey(public)
        assert encoded.startswith("z6Mk") and len(encoded) == 48
        assert proofs.decode_multikey(encoded).public_bytes_raw() == public.public_bytes_raw()


@pytest.mark.parametrize("value", [
    "",
    "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",  # no multibase prefix
    "uO0BAbDdk",  # another multibase (base64url)
    "z" + base58.b58encode(b"\x12\x05" + bytes(32)).decode(),  # another multicodec
    "z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(),  # too short
    VECTOR_PUBLIC[:-1] + "0",  # not base58 (0 is not in the alphabet)
    "z" + "1" * 500,
    None,
])
def test_multikey_decode_refuses_other_values(value):
    with pytest.raises(ProofError) as caught:
        proofs.decode_multikey(value)
    assert caught.value.kind == proofs.UNKNOWN_KEY


def test_private_key_pem_round_trip_and_refusals():
    key = proofs.generate_private_key()
    pem = proofs.private_key_to_pem(key)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    loaded = proofs.load_private_key(pem)
    assert loaded.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    assert proofs.load_private_key(pem) is loaded  # cached
    from node.activitypub.keys import generate_private_key as rsa_key
    from node.activitypub.keys import private_key_to_pem as rsa_pem

    with pytest.raises(ValueError, match="expected an Ed25519"):
        proofs.load_private_key(rsa_pem(rsa_key()))
    with pytest.raises(ValueError, match="malformed"):
        proofs.load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


# --- the published proof vectors -------------------------------------------------------------------

# FEP-8b32 fep-8b32.feature, "Signing document" (the version with data-integrity/v2 and the proof's @context)
FEP_DOCUMENT = {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"],
    "id": "https://server.example/activities/1",
    "type": "Create",
    "actor": "https://server.example/users/alice",
    "object": {
        "id": "https://server.example/objects/1",
        "type": "Note",
        "attributedTo": "https://server.example/users/alice",
        "content": "Hello world",
        "location": {"type": "Place", "longitude": -71.184902, "latitude": 25.273962},
    },
}
FEP_PROOF = {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"],
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "verificationMethod": "https://server.example/users/alice#ed25519-key",
    "proofPurpose": "assertionMethod",
    "proofValue": "z42ffGu6AUKPCFcFPiabmUvnGLPJzC7e4DGWC52NUasSSH37UMa9c58tdgVszUcZfytxa4fQ5TYHaJENCxUDe9SdL",
    "created": "2023-02-24T23:36:38Z",
}
FEP_CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)

# W3C Data Integrity EdDSA Cryptosuites v1.0, TestVectors/eddsa-jcs-2022/signedJCS.json (github.com/w3c/vc-di-eddsa)
W3C_SIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4",
    },
}


def test_signing_reproduces_the_fep_8b32_vector():
    signed = proofs.sign(FEP_DOCUMENT, vector_key(), "https://server.example/users/alice#ed25519-key",
                         created=FEP_CREATED)
    assert signed == {**FEP_DOCUMENT, "proof": FEP_PROOF}  # Ed25519 is deterministic: the same bytes
    assert "proof" not in FEP_DOCUMENT  # the input is left alone


def test_the_fep_8b32_vector_verifies_with_the_key_the_feature_publishes():
    public = proofs.decode_multikey(VECTOR_PUBLIC)  # the actor's assertionMethod in fep-8b32.feature
    signed = {**FEP_DOCUMENT, "proof": FEP_PROOF}
    assert proofs.verify(signed, public) == FEP_PROOF
    assert proofs.verification_method_of(signed) == "https://server.example/users/alice#ed25519-key"


def test_the_w3c_eddsa_jcs_2022_vector_verifies():
    assert proofs.verify(W3C_SIGNED, proofs.decode_multikey(VECTOR_PUBLIC)) == W3C_SIGNED["proof"]
    changed = copy.deepcopy(W3C_SIGNED)
    changed["credentialSubject"]["alumniOf"] = "The School of Counterexamples"
    with pytest.raises(ProofError) as caught:
        proofs.verify(changed, proofs.decode_multikey(VECTOR_PUBLIC))
    assert caught.value.kind == proofs.BAD_SIGNATURE


# --- our own proofs ----------------------------------------------------------------------------------

ACTOR = "https://a.example/actors/alerts"
METHOD = f"{ACTOR}#ed25519-key"


def accept() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", proofs.DATA_INTEGRITY_CONTEXT],
        "id": "https://a.example/activities/1",
        "type": "Accept",
        "actor": ACTOR,
        "object": {"id": "https://b.example/activities/9", "type": "Invite", "actor": "https://b.example/actors/x",
                   "object": "https://b.example/joint/1", "target": ACTOR},
        "to": ["https://b.example/actors/x"],
        "aan:textDigest": "sha256:" + "0" * 64,
        "count": 3,
        "ok": True,
        "none": None,
        "text": "Signez ici — 签名 ✍️",
    }


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_sign_and_verify_round_trip(key):
    now = datetime(2026, 12, 6, 4, 0, 0, 123456, tzinfo=UTC)
    signed = proofs.sign(accept(), key, METHOD, created=now)
    proof = signed["proof"]
    assert {k: v for k, v in signed.items() if k != "proof"} == accept()
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verificationMethod"] == METHOD and proof["proofPurpose"] == "assertionMethod"
    assert proof["created"] == "2026-12-06T04:00:00Z"
    assert proof["@context"] == accept()["@context"]
    assert proof["proofValue"].startswith("z") and len(base58.b58decode(proof["proofValue"][1:])) == 64
    assert proofs.verify(signed, key.public_key()) == proof
    # a JSON round trip with the keys in another order changes nothing
    import json

    shuffled = json.loads(json.dumps(dict(reversed(list(signed.items())))))
    assert proofs.verify(shuffled, key.public_key()) == proof


def test_a_document_with_a_proof_is_not_signed_again(key):
    with pytest.raises(errors.Invalid, match="already"):
        proofs.sign(proofs.sign(accept(), key, METHOD), key, METHOD)


def _set(document: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


_DELETE = object()
TAMPERINGS = [
    (("actor",), "https://evil.example/actors/x"),
    (("object", "object"), "https://b.example/joint/2"),
    (("object", "target"), "https://a.example/actors/other"),
    (("to", 0), "https://b.example/actors/y"),
    (("aan:textDigest",), "sha256:" + "1" * 64),
    (("count",), 3.5),
    (("count",), "3"),
    (("ok",), False),
    (("none",), _DELETE),
    (("text",), "Signez ici — 签名 ✍"),
    (("extra",), "added"),
    (("@context",), ["https://www.w3.org/ns/activitystreams"]),
    (("proof", "created"), "2026-12-06T04:00:01Z"),
    (("proof", "verificationMethod"), "https://a.example/actors/alerts#other-key"),
    (("proof", "@context"), ["https://www.w3.org/ns/activitystreams"]),
    (("proof", "@context"), _DELETE),
    (("proof", "nonce"), "added"),
    (("proof", "proofValue"), "z" + base58.b58encode(bytes(64)).decode()),
]


@pytest.mark.parametrize(("path", "value"), TAMPERINGS, ids=lambda v: repr(v)[:40])
def test_tampering_with_any_field_fails(key, path, value):
    signed = proofs.sign(accept(), key, METHOD)
    with pytest.raises(ProofError) as caught:
        proofs.verify(_set(signed, path, value), key.public_key())
    assert caught.value.kind == proofs.BAD_SIGNATURE
    assert isinstance(caught.value, errors.Invalid) and caught.value.public == "integrity proof: bad signature"


def test_another_key_fails(key):
    signed = proofs.sign(accept(), key, METHOD)
    with pytest.raises(ProofError) as caught:
        proofs.verify(signed, Ed25519PrivateKey.generate().public_key())
    assert caught.value.kind == proofs.BAD_SIGNATURE


@pytest.mark.parametrize(("field", "value"), [("type", "Ed25519Signature2020"), ("cryptosuite", "eddsa-rdfc-2022"),
                                              ("cryptosuite", "jcs-eddsa-2022"), ("type", _DELETE)])
def test_another_proof_type_or_cryptosuite_is_unsupported(key, field, value):
    signed = proofs.sign(accept(), key, METHOD)
    with pytest.raises(ProofError) as caught:
        proofs.verify(_set(signed, ("proof", field), value), key.public_key())
    assert caught.value.kind == proofs.UNSUPPORTED


def test_the_proof_purpose_must_be_the_expected_one(key):
    signed = proofs.sign(accept(), key, METHOD, purpose="authentication")
    with pytest.raises(ProofError) as caught:
        proofs.verify(signed, key.public_key())
    assert caught.value.kind == proofs.WRONG_PURPOSE
    assert proofs.verify(signed, key.public_key(), purpose="authentication")["proofPurpose"] == "authentication"
    changed = _set(proofs.sign(accept(), key, METHOD), ("proof", "proofPurpose"), "authentication")
    with pytest.raises(ProofError) as caught:
        proofs.verify(changed, key.public_key(), purpose="authentication")  # the purpose is signed too
    assert caught.value.kind == proofs.BAD_SIGNATURE


@pytest.mark.parametrize("document", [{"type": "Accept"}, {"type": "Accept", "proof": None},
                                      {"type": "Accept", "proof": []}])
def test_no_proof(key, document):
    with pytest.raises(ProofError) as caught:
        proofs.verify(document, key.public_key())
    assert caught.value.kind == proofs.NO_PROOF and caught.value.status == 400
    with pytest.raises(ProofError) as caught:
        proofs.verification_method_of(document)
    assert caught.value.kind == proofs.NO_PROOF


@pytest.mark.parametrize("proof", ["z3sX", 17, [{"type": "DataIntegrityProof"}, {"type": "DataIntegrityProof"}]])
def test_malformed_proofs(key, proof):
    with pytest.raises(ProofError) as caught:
        proofs.verify({"type": "Accept", "proof": proof}, key.public_key())
    assert caught.value.kind == proofs.BAD_SIGNATURE


@pytest.mark.parametrize("value", ["3sXaxjKs", "z", "z0OIl", "z" + base58.b58encode(bytes(63)).decode(), 12])
def test_malformed_proof_values(key, value):
    signed = _set(proofs.sign(accept(), key, METHOD), ("proof", "proofValue"), value)
    with pytest.raises(ProofError) as caught:
        proofs.verify(signed, key.public_key())
    assert caught.value.kind == proofs.BAD_SIGNATURE


@pytest.mark.parametrize("method", [None, 17, "did:key:z6Mk", "", {"id": METHOD}])
def test_verification_method_must_be_a_url(key, method):
    signed = _set(proofs.sign(accept(), key, METHOD), ("proof", "verificationMethod"), method)
    with pytest.raises(ProofError) as caught:
        proofs.verification_method_of(signed)
    assert caught.value.kind == proofs.UNKNOWN_KEY


def test_a_single_proof_in_a_list_is_that_proof(key):
    signed = proofs.sign(accept(), key, METHOD)
    listed = {**signed, "proof": [signed["proof"]]}
    assert proofs.verify(listed, key.public_key()) == signed["proof"]
    assert proofs.verification_method_of(listed) == METHOD


def test_context_added_after_signing_is_allowed_but_not_a_changed_one(key):
    # Verify Proof (eddsa-jcs-2022 3.3.2) step 4: the document's @context must start with the proof's,
    # and the proof's is the one verified.
    signed = proofs.sign(accept(), key, METHOD)
    longer = {**signed, "@context": [*signed["@context"], "https://w3id.org/security/multikey/v1"]}
    assert proofs.verify(longer, key.public_key())
    swapped = {**signed, "@context": list(reversed(signed["@context"]))}
    with pytest.raises(ProofError):
        proofs.verify(swapped, key.public_key())
    without = {k: v for k, v in signed.items() if k != "@context"}
    with pytest.raises(ProofError):
        proofs.verify(without, key.public_key())


def test_a_document_without_context_is_signed_without_one(key):
    document = {k: v for k, v in accept().items() if k != "@context"}
    signed = proofs.sign(document, key, METHOD)
    assert "@context" not in signed["proof"]
    assert proofs.verify(signed, key.public_key())
    with pytest.raises(ProofError):
        proofs.verify({**signed, "@context": "https://www.w3.org/ns/activitystreams"}, key.public_key())


def test_a_linked_data_signature_added_afterwards_is_ignored(key):
    # FEP-8b32, Backward compatibility: the LD signature is made after the proof and removed before verifying it
    signed = proofs.sign(accept(), key, METHOD)
    with_ld = {**signed, "signature": {"type": "RsaSignature2017", "creator": f"{ACTOR}#main-key",
                                       "signatureValue": "abc"}}
    assert proofs.verify(with_ld, key.public_key())


def test_an_expired_proof_fails(key):
    signed = proofs.sign(accept(), key, METHOD)
    now = datetime(2026, 12, 6, tzinfo=UTC)
    # expires is part of the proof options, so it has to be there when signing: sign by hand
    proof = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    proof["expires"] = "2026-12-05T00:00:00Z"
    signature = key.sign(proofs._hash_data(accept(), proof))
    expired = {**accept(), "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}
    with pytest.raises(ProofError) as caught:
        proofs.verify(expired, key.public_key(), now=now)
    assert caught.value.kind == proofs.BAD_SIGNATURE and "expired" in caught.value.detail
    assert proofs.verify(expired, key.public_key(), now=now - timedelta(days=2))


def test_numbers_beyond_i_json_in_a_received_document_fail_cleanly(key):
    signed = proofs.sign(accept(), key, METHOD)
    with pytest.raises(ProofError) as caught:
        proofs.verify({**signed, "count": 2**64}, key.public_key())
    assert caught.value.kind == proofs.BAD_SIGNATURE


def test_proof_error_kinds_are_fixed():
    with pytest.raises(ValueError):
        ProofError("something else")
    error = ProofError(proofs.UNKNOWN_KEY, "https://x.example/a does not list https://x.example/a#k")
    assert error.kind == "unknown key" and error.public == "integrity proof: unknown key"
    assert "x.example" in error.detail and "x.example" not in error.public
    assert isinstance(error, errors.Invalid) and error.status == 400 and error.exit_code == 2


# --- an independent implementation: apsig ---------------------------------------------------------


def test_apsig_verifies_our_proofs(key):
    signed = proofs.sign(accept(), key, METHOD)
    assert ProofVerifier(key.public_key()).verify_proof(copy.deepcopy(signed)) == METHOD
    # and refuses them once changed (so the check above can fail)
    assert ProofVerifier(key.public_key()).verify_proof(_set(signed, ("actor",), "https://evil.example/x")) is None
    assert ProofVerifier(proofs.encode_multikey(key.public_key())).verify_proof(copy.deepcopy(signed)) == METHOD


def test_we_verify_apsig_proofs(key):
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": METHOD,
               "proofPurpose": "assertionMethod", "created": "2026-12-06T04:00:00Z"}
    signed = ProofSigner(key).sign(accept(), options)
    assert signed["proof"]["@context"] == accept()["@context"]
    assert proofs.verify(signed, key.public_key()) == signed["proof"]
    # the same key and options give the same proof (Ed25519 is deterministic)
    assert proofs.sign(accept(), key, METHOD, created=datetime(2026, 12, 6, 4, tzinfo=UTC)) == signed
    with pytest.raises(ProofError):
        proofs.verify(_set(signed, ("object", "object"), "https://b.example/joint/2"), key.public_key())


def test_the_example_in_docs_vocabulary_verifies():
    """docs/vocabulary.md section 6 shows a signed Accept, its canonical forms and the bytes signed; keep them true."""
    import hashlib
    import json
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    section = doc.split("## 6. Actor keys and integrity proofs", 1)[1]
    blocks = section.split("```json\n")
    signed = json.loads(blocks[2].split("```", 1)[0])
    options_text, document_text = section.split("```text\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert VECTOR_SECRET in section and VECTOR_PUBLIC in blocks[1]
    assert proofs.verify(signed, proofs.decode_multikey(VECTOR_PUBLIC)) == signed["proof"]
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    assert proofs.canonicalize(options).decode() == options_text
    assert proofs.canonicalize(unsecured).decode() == document_text
    hashed = hashlib.sha256(options_text.encode()).hexdigest() + hashlib.sha256(document_text.encode()).hexdigest()
    assert hashed[:64] in section and hashed[64:] in section
    created = datetime.fromisoformat(signed["proof"]["created"].replace("Z", "+00:00"))
    assert proofs.sign(unsecured, vector_key(), signed["proof"]["verificationMethod"], created=created) == signed
