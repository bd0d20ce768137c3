"""Refuse secrets in free text: recovery phrases, card numbers, SSNs and private keys.

Bearings never needs any of these. A refused answer is neither stored nor logged; the message
says kindly why, without repeating the secret.
"""

from __future__ import annotations

import re
from functools import cache

from mnemonic import Mnemonic

_WORD = re.compile(r"[a-z]+")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_SSN = re.compile(r"(?<!\d)(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?!\d)")
_SSN_LABELLED = re.compile(r"\b(?:ssn|social security(?: number| no\.?)?)\D{0,20}(\d{9})\b", re.I)
_B58 = "1-9A-HJ-NP-Za-km-z"
_WIF = re.compile(rf"(?<![{_B58}])[5KL][{_B58}]{{50,51}}(?![{_B58}])")
_XPRV = re.compile(r"\b[xyzt]prv[1-9A-HJ-NP-Za-km-z]{100,112}\b")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_HEX_KEY = re.compile(r"(?:private|secret)\s*key\W{0,10}(?:0x)?[0-9a-fA-F]{64}\b", re.I)

MESSAGES = {
    "phrase": "This looks like a wallet recovery phrase. Please never share it with anyone, "
              "including us: whoever has it can take the funds. We did not save it.",
    "card": "This looks like a full card number. We only ever need the last four digits. "
            "We did not save it.",
    "ssn": "This looks like a Social Security number. Bearings never needs it: letters leave "
           "a blank for you to write it by hand. We did not save it.",
    "key": "This looks like a private key. Please never share it with anyone, including us: "
           "whoever has it can take the funds. We did not save it.",
}


@cache
def _bip39() -> frozenset[str]:
    return frozenset(Mnemonic("english").wordlist)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _has_phrase(text: str) -> bool:
    words, run = _bip39(), 0
    for match in _WORD.finditer(text.lower()):
        run = run + 1 if match.group() in words else 0
        if run >= 12:
            return True
    return False


def _card_prefix(digits: str) -> bool:
    """Return whether ``digits`` start like a Visa, Mastercard, Amex or Discover number."""
    return digits[0] in "3456" or "2221" <= digits[:4] <= "2720"


def _has_card(text: str) -> bool:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _card_prefix(digits) and _luhn(digits):
            return True
    return False


def secret_kind(text: str) -> str | None:
    """Return which kind of secret ``text`` holds (a key of MESSAGES), or None."""
    if _has_phrase(text):
        return "phrase"
    if _PEM.search(text) or _WIF.search(text) or _XPRV.search(text) or _HEX_KEY.search(text):
        return "key"
    if _has_card(text):
        return "card"
    if _SSN.search(text) or _SSN_LABELLED.search(text):
        return "ssn"
    return None
