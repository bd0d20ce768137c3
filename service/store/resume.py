"""Resume codes: a short code a person writes down to open a conversation on another device.

Per conversation the database keeps ``resume_hash``, an HMAC-SHA256 of the code under the app's
secret key (the lookup), and ``resume_box``, the conversation's token sealed under a key
stretched from the code with scrypt and salted with the conversation id. A copy of the
database alone opens nothing: the code is not in it, and without the secret key the hash does
not even say which row a guess would fit. Each guess at a box costs one scrypt run.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select, update

from . import crypto
from .models import conversations
from .repository import Access, NotFound, Store

__all__ = ["ALPHABET", "LENGTH", "BadCode", "display", "lookup_hash", "new_code", "normalize",
           "recall", "remember"]

#: Crockford's base 32: no I, L, O or U, so the code survives being read aloud or written down.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_SALT = b"bearings/resume/v1/"
_SCRYPT_N = 2**15


class BadCode(ValueError):
    """The text is not a well-formed resume code."""


def new_code() -> str:
    """Return a fresh code: 10 symbols of Crockford base 32 (50 random bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str:
    """Return the code in ``text`` as 10 upper-case symbols; forgive case, dashes, I/L/O."""
    code = _SEPARATORS.sub("", text.strip()).upper().translate(_ALIASES)
    if len(code) != LENGTH or any(symbol not in ALPHABET for symbol in code):
        raise BadCode(f"A resume code has {LENGTH} letters and digits, like 7KQ2-M9XD-4T.")
    return code


def display(code: str) -> str:
    """Return the code grouped for writing down, such as 7K3M-Q9TR-2B."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def lookup_hash(secret: bytes, code: str) -> str:
    """Return the stored lookup of a normalized code: HMAC-SHA256 under the secret, hex."""
    return hmac.new(secret, code.encode("ascii"), hashlib.sha256).hexdigest()


def _box_key(code: str, conversation_id: str) -> bytes:
    """Return the key that seals the token, stretched from the code with scrypt."""
    kdf = Scrypt(salt=_SALT + conversation_id.encode(), length=32, n=_SCRYPT_N, r=8, p=1)
    return kdf.derive(code.encode("ascii"))


def _context(conversation_id: str) -> str:
    return f"resume:{conversation_id}"


def remember(store: Store, access: Access, secret: bytes) -> str:
    """Give the conversation a new resume code (the old one stops working); return it grouped."""
    store.load(access)
    code = new_code()
    box = crypto.seal(_box_key(code, access.id), access.token.encode(), _context(access.id))
    with store.writing() as connection:
        connection.execute(update(conversations).where(conversations.c.id == access.id)
                           .values(resume_hash=lookup_hash(secret, code), resume_box=box))
    return display(code)


def recall(store: Store, secret: bytes, text: str) -> Access:
    """Return the access a resume code opens; raise BadCode or NotFound."""
    code = normalize(text)
    with store.engine.connect() as connection:
        rows = connection.execute(select(conversations.c.id, conversations.c.resume_box).where(
            conversations.c.resume_hash == lookup_hash(secret, code))).all()
    for conversation_id, box in rows:
        try:
            token = crypto.unseal(_box_key(code, conversation_id), box or b"",
                                  _context(conversation_id))
        except crypto.Undecryptable:
            continue
        return Access(conversation_id, token.decode())
    if not rows:
        _box_key(code, "0" * 24)  # the same work as a hit, so timing does not tell
    raise NotFound("no conversation with that resume code")
