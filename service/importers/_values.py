"""Shared helpers for exchange exports: amounts, times, asset names, trades → transactions."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
#: The `lots` calculator refuses quantities and amounts above this.
LIMIT = Decimal("1000000000000")
#: Dollar-pegged coins are read as dollars: a trade against one is a purchase or sale in USD.
USD_LIKE = frozenset(("USD", "USDT", "USDC", "BUSD", "DAI", "TUSD", "USDP", "GUSD", "FDUSD",
                      "PYUSD", "ZUSD"))
#: Kraken's legacy four-letter codes.
KRAKEN = {"XXBT": "BTC", "XBT": "BTC", "XXDG": "DOGE", "XDG": "DOGE", "ZUSD": "USD",
          "ZEUR": "EUR", "ZGBP": "GBP", "ZCAD": "CAD", "ZJPY": "JPY", "ZAUD": "AUD",
          "ZCHF": "CHF", "XETH": "ETH", "XETC": "ETC", "XLTC": "LTC", "XXRP": "XRP",
          "XXLM": "XLM", "XXMR": "XMR", "XZEC": "ZEC", "XREP": "REP", "XMLN": "MLN",
          "ETH2": "ETH"}
#: Quote currencies recognised at the end of a pair written without a separator.
QUOTES = ("FDUSD", "PYUSD", "ZUSD", "ZEUR", "ZGBP", "ZCAD", "ZJPY", "XXBT", "XETH", "USDT",
          "USDC", "BUSD", "TUSD", "USDP", "GUSD", "USD", "EUR", "GBP", "CAD", "JPY", "AUD",
          "CHF", "DAI", "XBT", "BTC", "ETH", "BNB", "SOL", "TRY")
_AMOUNT = re.compile(r"[+-]?\d+(?:\.\d+)?")
_STAKED = re.compile(r"\.(S|M|P|F|B)$|\d*\.S$")


class RowError(ValueError):
    """A row that cannot be imported; the message says why, in plain words."""


def amount(text: str, what: str = "amount") -> Decimal:
    """Read "$1,234.56", "-$5", "(0.07 BTC)" or "1.5" as a signed Decimal."""
    cleaned = text.strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()").replace("$", "").replace(",", "").strip()
    cleaned = cleaned.split(" ")[0] if " " in cleaned else cleaned
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    if not _AMOUNT.fullmatch(cleaned):
        raise RowError(f"the {what} {text.strip()!r} is not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already checked it
        raise RowError(f"the {what} {text.strip()!r} is not a number") from exc
    return -value if negative else value


def optional(text: str | None, what: str = "amount") -> Decimal | None:
    """Return :func:`amount` of ``text``, or None when the cell is blank."""
    return None if text is None or not text.strip() else amount(text, what)


def number_text(value: Decimal) -> str:
    """Format a Decimal as a plain string without exponent or trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
            "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")


def when(text: str) -> str:
    """Return an exchange's UTC timestamp as ISO 8601 ending in Z."""
    raw = text.strip().removesuffix(" UTC").removesuffix("UTC").strip()
    if re.fullmatch(r"\d{9,10}(\.\d+)?", raw):
        seconds, _, fraction = raw.partition(".")
        moment = datetime.fromtimestamp(int(seconds), UTC)
        micro = int((fraction + "000000")[:6])
        return _iso(moment.replace(microsecond=micro))
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = _strptime(raw.split(".")[0])
        if "." in raw:
            moment = moment.replace(microsecond=int((raw.split(".")[1] + "000000")[:6]))
    if not 1970 <= moment.year <= 2100:
        raise RowError(f"the time {text.strip()!r} is not between 1970 and 2100")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return _iso(moment)


def _strptime(raw: str) -> datetime:
    """Try the date layouts exchanges use."""
    for layout in _FORMATS:
        try:
            return datetime.strptime(raw, layout)
        except ValueError:
            continue
    raise RowError(f"the time {raw!r} is not a date and time")


def _iso(moment: datetime) -> str:
    """Format a naive-or-UTC datetime as ISO 8601 with Z."""
    text = moment.replace(tzinfo=None).isoformat()
    return text + "Z"


def asset(code: str) -> str:
    """Return the common ticker for an exchange's asset code (XXBT → BTC, DOT.S → DOT)."""
    name = code.strip().upper()
    name = _STAKED.sub("", name) if "." in name else name
    return KRAKEN.get(name, name)


def pair(symbol: str) -> tuple[str, str]:
    """Split a pair such as BTC-USD, XBT/USD, XXBTZUSD or ETHBTC into (base, quote)."""
    text = symbol.strip().upper()
    for separator in ("-", "/", "_"):
        if separator in text:
            base, _, quote = text.partition(separator)
            return asset(base), asset(quote)
    for quote in QUOTES:
        if text.endswith(quote) and len(text) > len(quote):
            return asset(text[: -len(quote)]), asset(quote)
    raise RowError(f"the pair {symbol!r} is not one Bearings can split into two assets")


def tx(ident: str, time: str, kind: str, name: str, quantity: Decimal,
       usd_value: Decimal | None = None, fee_usd: Decimal | None = None,
       wallet: str = "default") -> dict[str, Any]:
    """Return one transaction in the `lots` request shape (amounts as strings).

    Raise RowError for what the `lots` calculator would refuse, so a bad row is reported by
    its row number here rather than by index there.
    """
    name, wallet = name.strip(), wallet.strip()[:100] or "default"
    if not 0 < len(name) <= 20:
        raise RowError(f"the asset {name!r} is not a ticker such as BTC")
    quantity = abs(quantity)
    if not quantity or quantity > LIMIT or quantity.as_tuple().exponent < -18:  # type: ignore
        raise RowError(f"the quantity {number_text(quantity)} is not above 0 with at most 18 "
                       "decimal places")
    if usd_value is None and kind in ("buy", "sell", "income", "fee"):
        raise RowError(f"this {kind} of {name} has no US dollar value in the file")
    row: dict[str, Any] = {"id": ident[:100], "time": time, "type": kind, "asset": name,
                           "quantity": number_text(quantity)}
    if usd_value is not None:
        row["usd_value"] = _dollars(usd_value)
    if fee_usd:
        row["fee_usd"] = _dollars(fee_usd)
    row["wallet"] = wallet
    return row


def _dollars(value: Decimal) -> str:
    """Format a dollar amount for `lots` (at most 18 places; below a trillion)."""
    value = abs(value)
    if value > LIMIT:
        raise RowError(f"the amount {number_text(value)} is too large")
    if value.as_tuple().exponent < -18:  # type: ignore[operator]
        value = value.quantize(Decimal("1e-18"), ROUND_HALF_UP)
    return number_text(value)


def no_usd(base: str, quote: str) -> RowError:
    """Explain why a trade between two non-dollar assets cannot be imported."""
    return RowError(f"this {base}/{quote} trade has no US dollar value in the file; add it "
                    "with the generic CSV (id,time,type,asset,quantity,usd_value,fee_usd,wallet)"
                    " using the dollar value on the day")
