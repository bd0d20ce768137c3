"""Read the dates and times people type, the way they type them.

A person in shock types "yesterday 3pm ET", "11/20/2026 2:15 PM" or "2026-11-20 14:00", not
ISO 8601. :func:`read` understands a space or ``T`` between the date and the time, times with or
without seconds, 12-hour times ("3pm", "3:15 p.m."), US dates ("11/20/2026"), month names
("Nov 20, 2026"), "today" and "yesterday", and time zones: US names and abbreviations (ET, EST,
EDT, Eastern, CT, MT, PT, ...), UTC/GMT/Z, offsets such as ``-05:00`` and IANA names such as
``America/New_York``.

A time without a zone is never guessed: the caller either passes the zone the request gave
(``zone``) or gets :data:`NEEDS_ZONE` and asks the person to add one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError

__all__ = ["DATE_EXAMPLE", "DATETIME_EXAMPLE", "Moment", "NoDay", "UnknownZone", "Unreadable",
           "now", "read", "read_datetime", "read_when", "zone_named"]

#: How a date and a date-and-time look, as messages show them.
DATE_EXAMPLE = "2026-11-20 or 11/20/2026"
DATETIME_EXAMPLE = "2026-11-20 2:00 PM ET"

#: The clock "today" and "yesterday" count from; tests replace it.
now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731

_EASTERN, _CENTRAL = "America/New_York", "America/Chicago"
_MOUNTAIN, _PACIFIC = "America/Denver", "America/Los_Angeles"
_ALASKA, _HAWAII = "America/Anchorage", "Pacific/Honolulu"
#: US zone names and abbreviations. "EST" in July still means Eastern time to most people, so
#: the standard and daylight abbreviations both name the place's zone, not a fixed offset.
ZONES: dict[str, str] = {
    "z": "UTC", "utc": "UTC", "gmt": "UTC",
    **dict.fromkeys(("et", "est", "edt", "eastern", "eastern time", "eastern standard time",
                     "eastern daylight time"), _EASTERN),
    **dict.fromkeys(("ct", "cst", "cdt", "central", "central time", "central standard time",
                     "central daylight time"), _CENTRAL),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain", "mountain time", "mountain standard time",
                     "mountain daylight time"), _MOUNTAIN),
    **dict.fromkeys(("pt", "pst", "pdt", "pacific", "pacific time", "pacific standard time",
                     "pacific daylight time"), _PACIFIC),
    **dict.fromkeys(("akt", "akst", "akdt", "alaska", "alaska time"), _ALASKA),
    **dict.fromkeys(("ht", "hst", "hawaii", "hawaii time"), _HAWAII),
}
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}

_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?")
_GLUED_OFFSET = re.compile(r"(?<=\d)(?:z|[+-]\d{2}:\d{2})$")
_IANA = re.compile(r"[a-z]+(?:/[a-z_+-]+)+")
_TIME = re.compile(
    r"(?<![\d/.-])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2})(?:\.\d{1,6})?)?"
    r"\s*(?P<half>[ap])?(?(half)\.?\s*m\b\.?|)(?![\d/])")
_WORDS = re.compile(r"\b(?:at|on|around|about|approx|approximately)\b|,")
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_US_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_NAMED_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})")
_DAY_NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?\s+(\d{4})")
_RELATIVE = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
             "this evening": 0, "yesterday": 1, "last night": 1}


class Unreadable(ValueError):
    """The text is not a date or time this module can read."""


class NoDay(Unreadable):
    """The text holds a time but no day ("3pm")."""


class UnknownZone(Unreadable):
    """The text ends in a word that reads as a time zone Bearings does not know ("CET")."""


@dataclass(frozen=True)
class Moment:
    """What a person typed: a day, perhaps a time, and perhaps a zone they named."""

    day: date
    clock: time | None
    zone: tzinfo | None

    def aware(self, fallback: tzinfo | None = None) -> datetime | None:
        """Return the moment in UTC, or None when it has no time or no zone to read it in."""
        zone = self.zone or fallback
        if self.clock is None or zone is None:
            return None
        return datetime.combine(self.day, self.clock, tzinfo=zone).astimezone(UTC)


def zone_named(name: object) -> tzinfo | None:
    """Return the zone a name, abbreviation or offset stands for, or None."""
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        return None
    text = " ".join(name.strip().lower().split())
    if text in ZONES:
        return ZoneInfo(ZONES[text])
    offset = _OFFSET.fullmatch(text)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14) or int(minutes or 0) >= 60:
            return None
        return timezone(-delta if sign == "-" else delta)
    if _IANA.fullmatch(text):
        try:
            return ZoneInfo("/".join(part if part.isupper() else _iana_case(part)
                                     for part in name.strip().split("/")))
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _iana_case(part: str) -> str:
    """Return a part of an IANA name with each word capitalized (new_york -> New_York)."""
    return "_".join(word[:1].upper() + word[1:].lower() if word.islower() else word
                    for word in part.split("_"))


def _split_zone(text: str) -> tuple[str, tzinfo | None]:
    """Return the text without a trailing zone, and the zone it named."""
    glued = _GLUED_OFFSET.search(text)
    if glued:
        part = glued.group()
        return text[:glued.start()], UTC if part == "z" else zone_named(part)
    words = text.split()
    for size in (3, 2, 1):  # "eastern standard time", "utc -5", "et"
        if len(words) > size:
            zone = zone_named(" ".join(words[-size:]))
            if zone is not None:
                return " ".join(words[:-size]), zone
    return text, None


def _year(text: str) -> int:
    number = int(text)
    return number + 2000 if len(text) == 2 else number


def _day(text: str, today: date) -> date:
    """Return the day ``text`` names; raise Unreadable."""
    text = text.strip()
    if text in _RELATIVE:
        return today - timedelta(days=_RELATIVE[text])
    try:
        for pattern, order in ((_ISO_DAY, "ymd"), (_US_DAY, "mdy")):
            found = pattern.fullmatch(text)
            if found:
                parts = dict(zip(order, found.groups(), strict=True))
                return date(_year(parts["y"]), int(parts["m"]), int(parts["d"]))
        for pattern, order in ((_NAMED_DAY, "mdy"), (_DAY_NAMED, "dmy")):
            found = pattern.fullmatch(text)
            if found:
                parts = dict(zip(order, found.groups(), strict=True))
                if parts["m"] in _MONTHS:
                    return date(int(parts["y"]), _MONTHS[parts["m"]], int(parts["d"]))
    except ValueError as exc:  # 2026-02-30, 13/40/2026
        raise Unreadable(text) from exc
    raise Unreadable(text)


def _clock(found: re.Match[str]) -> time:
    """Return the time a match of _TIME holds; raise Unreadable."""
    hour, minute = int(found["h"]), int(found["m"] or 0)
    second = int(found["s"] or 0)
    if found["half"]:
        if not 1 <= hour <= 12:
            raise Unreadable(found.group())
        hour = hour % 12 + (12 if found["half"] == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise Unreadable(found.group())
    return time(hour, minute, second)


def _iso(text: str) -> Moment | None:
    """Return the moment of a plain ISO 8601 text (with T or a space), or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
                        r"(?:z|[+-]\d{2}:?\d{2})?", text):
        return None
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return Moment(moment.date(), moment.time(), moment.tzinfo)


def read(text: str, *, zone: tzinfo | None = None) -> Moment:
    """Return the day, time and zone in ``text``; raise Unreadable.

    ``zone`` is the zone the request gave; it decides what "today" is, nothing else.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 100:
        raise Unreadable(str(text))
    cleaned = " ".join(text.strip().lower().split())
    iso = _iso(cleaned)
    if iso is not None:
        return iso
    cleaned = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", cleaned)
    cleaned = cleaned.replace("noon", "12:00 pm").replace("midnight", "12:00 am")
    cleaned, named = _split_zone(cleaned)
    cleaned = " ".join(_WORDS.sub(" ", cleaned).split())
    clock = None
    for found in _TIME.finditer(cleaned):
        if found["m"] is None and not found["half"]:
            continue  # a bare number is a day or a year, not a time
        clock = _clock(found)
        cleaned = " ".join((cleaned[:found.start()] + " " + cleaned[found.end():]).split())
        break
    # "today" is the person's day where they are, else the day where this server is
    today = now().astimezone(named or zone).date()
    if not cleaned and clock is not None:
        raise NoDay(text)
    try:
        return Moment(_day(cleaned, today), clock, named)
    except Unreadable:
        head, _, last = cleaned.rpartition(" ")
        if clock is not None and named is None and last.isalpha() and 2 <= len(last) <= 5:
            _day(head, today)  # the rest reads: the last word is a zone we do not know
            raise UnknownZone(text) from None
        raise


def read_datetime(value: Any, zone: tzinfo | None = None) -> datetime:
    """Return a typed date and time in UTC; raise ValidationError saying exactly what to add."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"Enter the date and time, for example {DATETIME_EXAMPLE}.")
    text = " ".join(value.split())
    try:
        moment = read(text, zone=zone)
    except NoDay:
        raise ValidationError(f"Add the day too, for example today {text}"
                              f"{'' if _has_zone(text) or zone else ' ET'}.") from None
    except UnknownZone:
        raise ValidationError("Use a US time zone such as ET, CT, MT or PT, or UTC, or an "
                              f"offset such as -05:00. For example: {DATETIME_EXAMPLE}."
                              ) from None
    except Unreadable:
        raise ValidationError(f"Enter the date and time, for example "
                              f"{DATETIME_EXAMPLE}.") from None
    if moment.clock is None:
        day = text if moment.zone is None else moment.day.isoformat()
        raise ValidationError(f"Add the time too, for example {day} 2:00 PM ET.")
    try:
        aware = moment.aware(zone)
    except OverflowError:  # 0001-01-01 00:00 +14:00 is before the first UTC instant
        raise ValidationError(f"Enter the date and time, for example "
                              f"{DATETIME_EXAMPLE}.") from None
    if aware is None:
        raise ValidationError(f"Add your time zone, for example {text} ET.")
    return aware


def _has_zone(text: str) -> bool:
    try:
        return read(f"today {text}").zone is not None
    except Unreadable:
        return False


def read_when(value: Any, zone: tzinfo | None = None) -> date | datetime:
    """Return a typed day, or a typed date and time in UTC when it has a time."""
    try:
        moment = read(value, zone=zone)
    except NoDay:
        return read_datetime(value, zone)
    except Unreadable:
        raise ValidationError(f"Enter a date, for example {DATE_EXAMPLE}, or a date and time, "
                              f"for example {DATETIME_EXAMPLE}.") from None
    return moment.day if moment.clock is None else read_datetime(value, zone)
