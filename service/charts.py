"""Pictures drawn on the server as SVG: the carryover projection and the loss breakdown.

Pure functions of calculator results, with no Flask: the same picture goes into a web page or
a PDF. Every piece of text is escaped; colours are attributes (no style sheets, so a strict
Content-Security-Policy allows them) and text takes ``currentColor`` so it follows dark mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any

from markupsafe import Markup, escape

from .calculators._common import dollars

__all__ = ["BORROWED_COLOUR", "LONG_COLOUR", "NARROW", "OWN_COLOUR", "SHORT_COLOUR", "WIDTH",
           "carryover_chart", "compact", "figures", "loss_chart"]

SHORT_COLOUR = "#2f6f9f"
LONG_COLOUR = "#c27c1a"
OWN_COLOUR = "#2f6f9f"
BORROWED_COLOUR = "#b3452f"
WIDTH = 640
NARROW = 340
FONT = 'font-family="system-ui, sans-serif"'
_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))


def _num(value: Decimal) -> str:
    """Return a coordinate with one decimal place."""
    return format(value.quantize(Decimal("0.1")), "f")


def compact(amount: Decimal) -> str:
    """Return an axis label for an amount: $0, $750, $50k, $1.25M."""
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1000), "k")):
        if abs(amount) >= size:
            return f"${(amount / size).normalize():f}{suffix}"
    return f"${amount.normalize():f}"


def _nice_top(peak: Decimal) -> tuple[Decimal, Decimal]:
    """Return a round axis top at or above ``peak`` and the gap between its gridlines."""
    if peak <= 0:
        return Decimal(1), Decimal(1)
    scale = Decimal(10) ** (peak.adjusted() - 1)
    for multiplier in (1, 10, 100):
        for step in _STEPS:
            gap = step * scale * multiplier
            count = (peak / gap).to_integral_value(ROUND_CEILING)
            if count <= 6:
                return count * gap, gap
    return peak, peak


def _svg(size: tuple[int, int], label: str, title: str, desc: str, body: list[str]) -> Markup:
    """Wrap the drawing in an accessible, responsive <svg> with a title and a description."""
    width, height = size
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" class="chart" '
            f'aria-labelledby="{escape(label)}-title {escape(label)}-desc" {FONT} '
            f'font-size="14" fill="currentColor">'
            f'<title id="{escape(label)}-title">{escape(title)}</title>'
            f'<desc id="{escape(label)}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _text(x: Decimal | int, y: Decimal | int, words: str, *, anchor: str = "start",
          size: int = 14, weight: str = "normal") -> str:
    return (f'<text x="{_num(Decimal(x))}" y="{_num(Decimal(y))}" text-anchor="{anchor}" '
            f'font-size="{size}" font-weight="{weight}">{escape(words)}</text>')


def _rect(x: Decimal, y: Decimal, w: Decimal, h: Decimal, colour: str) -> str:
    return (f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, Decimal(0)))}" '
            f'height="{_num(max(h, Decimal(0)))}" fill="{colour}"/>')


def _legend(items: Sequence[tuple[str, str]], width: int) -> tuple[list[str], int]:
    """Draw a legend from the top, wrapping to a new line when it runs out of width."""
    out, x, y = [], 0, 18
    for colour, words in items:
        wide = 40 + 8 * len(words)
        if x and x + wide > width:
            x, y = 0, y + 24
        out += [_rect(Decimal(x), Decimal(y - 11), Decimal(14), Decimal(14), colour),
                _text(x + 20, y, words)]
        x += wide
    return out, y


# -- the carryover projection ----------------------------------------------------------------

def _carry_desc(rows: Sequence[Mapping[str, Any]], years_to_use_up: int | None) -> str:
    first, last = rows[0], rows[-1]
    left = Decimal(first["carryover_short_term"]) + Decimal(first["carryover_long_term"])
    said = (f"After {first['tax_year']}, {dollars(left)} is still left to carry forward. "
            f"Each year up to {dollars(Decimal(first['deduction']))} comes off other income")
    ends = last["tax_year"] if years_to_use_up is None or years_to_use_up <= len(rows) else None
    if ends is not None:
        return said + f", so the loss is used up in {ends} unless gains use it sooner."
    return said + f"; it lasts {years_to_use_up} years unless gains use it sooner."


def _ticks(years: Sequence[int], most: int) -> list[int]:
    """Return the years to label on the axis: at most ``most``, on round numbers."""
    span = len(years)
    every = next((n for n in (1, 2, 5, 10, 20, 25, 50) if span / n <= most), 100)
    return [y for y in years if (y - years[0]) % every == 0]


def carryover_chart(projection: Sequence[Mapping[str, Any]], *,
                    years_to_use_up: int | None = None, label: str = "carryover",
                    width: int = WIDTH) -> Markup | None:
    """Draw what is left to carry forward after each year, short- and long-term stacked."""
    rows = list(projection)
    if not rows:
        return None
    short = [Decimal(r["carryover_short_term"]) for r in rows]
    long = [Decimal(r["carryover_long_term"]) for r in rows]
    before = short[0] + long[0] + Decimal(rows[0]["deduction"])
    top, gap = _nice_top(before)
    body, legend = _legend([(SHORT_COLOUR, "Short-term loss left"),
                            (LONG_COLOUR, "Long-term loss left")], width)
    left, plot_top, plot_h = Decimal(64), Decimal(legend + 22), Decimal(220)
    height = legend + 302
    plot_w = Decimal(width) - left - 8
    slot = plot_w / len(rows)
    bar = max(slot * Decimal("0.7"), Decimal(1))
    ticks = _ticks([r["tax_year"] for r in rows], max(2, width // 80))
    level = Decimal(0)
    while level <= top:
        y = plot_top + plot_h - plot_h * level / top
        body += [f'<line x1="{_num(left)}" x2="{width}" y1="{_num(y)}" y2="{_num(y)}" '
                 f'stroke="currentColor" stroke-opacity="0.25"/>',
                 _text(left - 6, y + 5, compact(level), anchor="end", size=12)]
        level += gap
    for index, row in enumerate(rows):
        x = left + slot * index + (slot - bar) / 2
        h_long, h_short = plot_h * long[index] / top, plot_h * short[index] / top
        base = plot_top + plot_h
        body += [_rect(x, base - h_long, bar, h_long, LONG_COLOUR),
                 _rect(x, base - h_long - h_short, bar, h_short, SHORT_COLOUR)]
        if not short[index] + long[index] and len(rows) <= 30:
            body.append(_text(min(x + bar / 2, Decimal(width)), base - 8, "used up",
                              anchor="end" if index > len(rows) / 2 else "middle", size=12))
        if row["tax_year"] in ticks:
            body.append(_text(x + bar / 2, base + 20, str(row["tax_year"]), anchor="middle",
                              size=12))
    body.append(_text(left, height - 8, "Tax year", size=12))
    return _svg((width, height), label, "Loss carried forward, year by year",
                _carry_desc(rows, years_to_use_up), body)


# -- the loss breakdown ----------------------------------------------------------------------

def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def _loss_desc(summary: Mapping[str, Any], sources: Sequence[Mapping[str, Any]]) -> str:
    parts = [f"{_capital(s['label'])}: {dollars(Decimal(s['loss']))} "
             f"({Decimal(s['share_percent']).normalize():f}%)" for s in sources]
    borrowed = Decimal(summary.get("borrowed_loss") or 0)
    tail = f" Borrowed money carries {dollars(borrowed)} of it." if borrowed else ""
    return (f"Net loss {dollars(Decimal(summary['net_loss']))}, split by where the money "
            f"came from. " + "; ".join(parts) + "." + tail)


def loss_chart(summary: Mapping[str, Any], *, label: str = "loss",
               width: int = WIDTH) -> Markup | None:
    """Draw the net loss split by funding source; borrowed money in its own colour."""
    sources = [s for s in summary.get("by_source", []) if Decimal(s["loss"]) > 0]
    if Decimal(summary.get("net_loss") or 0) <= 0 or not sources:
        return None
    widest = max(Decimal(s["loss"]) for s in sources)
    body, y = _legend([(OWN_COLOUR, "Your own money"), (BORROWED_COLOUR, "Borrowed money")],
                      width)
    body.append(_text(0, y + 32, f"Net loss: {dollars(Decimal(summary['net_loss']))}",
                      weight="bold", size=16))
    y += 66
    for source in sources:
        loss = Decimal(source["loss"])
        colour = BORROWED_COLOUR if source.get("borrowed") else OWN_COLOUR
        share = f"{Decimal(source['share_percent']).normalize():f}%"
        body += [_text(0, y, _capital(source["label"])),
                 _text(width, y, f"{dollars(loss)} ({share})", anchor="end"),
                 _rect(Decimal(0), Decimal(y + 8), Decimal(width) * loss / widest,
                       Decimal(20), colour)]
        y += 62
    return _svg((width, y - 14), label, "Where the loss came from",
                _loss_desc(summary, sources), body)


def figures(results: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a conversation's results let a page draw: pictures, and the deadlines.

    Each picture comes twice: at the full width, and narrow (phones and the widget), so the
    words in it stay readable without scaling.
    """
    loss = results.get("capital-loss") or {}
    summary = results.get("loss-summary")
    drawn: dict[str, Any] = {"capital_loss": loss or None,
                             "deadlines": (results.get("deadlines") or {}).get("deadlines") or []}
    for suffix, width in (("", WIDTH), ("_narrow", NARROW)):
        drawn["carryover" + suffix] = carryover_chart(
            loss.get("projection") or [], years_to_use_up=loss.get("years_to_use_up"),
            label="carryover" + suffix.replace("_", "-"), width=width)
        drawn["loss" + suffix] = (loss_chart(summary, label="loss" + suffix.replace("_", "-"),
                                             width=width) if summary else None)
    return drawn
