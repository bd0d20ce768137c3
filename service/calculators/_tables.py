"""US federal tax tables, one JSON file per year in ``data/``, read once and kept as Decimal."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

__all__ = ["FILING_STATUSES", "TaxTable", "table", "years"]

FILING_STATUSES = (
    "single",
    "married_joint",
    "married_separate",
    "head_of_household",
    "qualifying_surviving_spouse",
)

_FILE = re.compile(r"tax_(\d{4})\.json")


@dataclass(frozen=True)
class TaxTable:
    """One year's figures, each keyed by filing status where it depends on it."""

    year: int
    ordinary_rates: tuple[Decimal, ...]
    ordinary_tops: Mapping[str, tuple[Decimal, ...]]
    gain_rates: tuple[Decimal, ...]
    gain_tops: Mapping[str, tuple[Decimal, ...]]
    standard_deduction: Mapping[str, Decimal]
    niit_rate: Decimal
    niit_threshold: Mapping[str, Decimal]
    capital_loss_limit: Mapping[str, Decimal]
    sources: Mapping[str, str]


def _data() -> Traversable:
    """Return the folder that holds the table files (inside the package, so wheels carry it)."""
    return resources.files(__package__).joinpath("data")


@cache
def years() -> tuple[int, ...]:
    """Return the tax years that have a table, oldest first."""
    found = (_FILE.fullmatch(entry.name) for entry in _data().iterdir())
    return tuple(sorted(int(match.group(1)) for match in found if match))


@cache
def table(year: int) -> TaxTable:
    """Return the table for ``year``; raise LookupError when there is none."""
    if year not in years():
        raise LookupError(f"no tax table for {year}")
    text = _data().joinpath(f"tax_{year}.json").read_text(encoding="utf-8")
    raw = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    result = _build(raw)
    if result.year != year:
        raise ValueError(f"tax_{year}.json says it is for {result.year}")
    return result


def _build(raw: dict[str, Any]) -> TaxTable:
    """Turn one parsed file into a checked TaxTable."""
    ordinary_rates = tuple(raw["ordinary_rates"])
    gain_rates = tuple(raw["capital_gain_rates"])
    return TaxTable(
        year=int(raw["tax_year"]),
        ordinary_rates=ordinary_rates,
        ordinary_tops=_tops(raw["ordinary_brackets"], len(ordinary_rates) - 1),
        gain_rates=gain_rates,
        gain_tops=_tops(raw["capital_gain_breakpoints"], len(gain_rates) - 1),
        standard_deduction=_by_status(raw["standard_deduction"]),
        niit_rate=raw["niit"]["rate"],
        niit_threshold=_by_status(raw["niit"]["threshold"]),
        capital_loss_limit=_by_status(raw["capital_loss_limit"]),
        sources=MappingProxyType(dict(raw["sources"])),
    )


def _by_status(raw: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    """Return one figure per filing status, refusing a missing or extra status."""
    if set(raw) != set(FILING_STATUSES):
        raise ValueError(f"expected figures for {', '.join(FILING_STATUSES)}, got {sorted(raw)}")
    return MappingProxyType({status: Decimal(raw[status]) for status in FILING_STATUSES})


def _tops(raw: Mapping[str, list[Decimal]], count: int) -> Mapping[str, tuple[Decimal, ...]]:
    """Return bracket tops per filing status, checking their number and order."""
    if set(raw) != set(FILING_STATUSES):
        raise ValueError(f"expected brackets for {', '.join(FILING_STATUSES)}, got {sorted(raw)}")
    result = {}
    for status in FILING_STATUSES:
        tops = tuple(Decimal(top) for top in raw[status])
        if len(tops) != count or list(tops) != sorted(set(tops)):
            raise ValueError(f"{status}: need {count} rising bracket tops, got {tops}")
        result[status] = tops
    return MappingProxyType(result)
