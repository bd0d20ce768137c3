"""Encryption at rest: a key per conversation, derived from its token, never stored.

The token is 256 bits from ``secrets``, so one HKDF-SHA256 step is a sound key derivation
(no password stretching is needed, and none is paid per request). AES-256-GCM seals each
payload with a fresh nonce; the conversation id is the associated data, so a payload cannot be
moved to another row.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_FORMAT = b"\x01"
_SALT = b"bearings/conversation/v1"


class Undecryptable(Exception):
    """The payload does not open with this key: wrong token or tampered data."""


def new_token() -> str:
    """Return a fresh bearer token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Return the stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_hash(token: str, stored: str) -> bool:
    """Return whether ``token`` hashes to ``stored``, in constant time."""
    return hmac.compare_digest(token_hash(token), stored)


def derive_key(token: str, conversation_id: str) -> bytes:
    """Return the 256-bit AES key for one conversation."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                info=conversation_id.encode())
    return hkdf.derive(token.encode("utf-8", "surrogatepass"))


def seal(key: bytes, plaintext: bytes, context: str) -> bytes:
    """Encrypt ``plaintext``; the result holds the format byte, nonce and ciphertext."""
    nonce = os.urandom(12)
    return _FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())


def unseal(key: bytes, blob: bytes, context: str) -> bytes:
    """Decrypt what :func:`seal` made; raise Undecryptable on any mismatch."""
    if blob[:1] != _FORMAT or len(blob) < 29:
        raise Undecryptable("unknown payload format")
    try:
        return AESGCM(key).decrypt(blob[1:13], blob[13:], context.encode())
    except InvalidTag as exc:
        raise Undecryptable("payload does not open with this key") from exc
