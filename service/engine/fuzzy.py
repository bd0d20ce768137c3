"""Match a typed answer to the choices of a choice field: deterministic, no model, no network.

A person may type "my husband did it" or "got hacked" where a step offers choices. ``suggest``
finds the choice whose value, label or synonyms (``synonyms:`` in the flow file) come nearest,
using rapidfuzz, so that validation can ask the person to confirm it instead of only listing
the choices. A match must be clear: close enough, and ahead of every other choice by a margin.

The engine hooks this into answer validation with :class:`ChoiceCheck`, a marshmallow
validator whose message is :func:`message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from marshmallow import ValidationError
from rapidfuzz import fuzz

from .flowdef import Choice, FieldDef

__all__ = ["MARGIN", "THRESHOLD", "ChoiceCheck", "Suggestion", "exact_choice", "exact_choices",
           "message", "normalize", "suggest", "suggest_many"]

#: The lowest score (0-100) a typed answer needs to be offered as a choice.
THRESHOLD = 72.0
#: How far the best choice must lead the next one; closer than this is too unsure to offer.
MARGIN = 8.0

#: Words that carry no meaning for telling choices apart.
STOPWORDS = frozenset("""
a an the i im ive me my mine we our us it its is was were be been am are to of and or in on
at for with by from that this so just did do does done had has have he she they him her them
his their there then than really very think guess maybe like
""".split())

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bplus\b)\s*", re.IGNORECASE)


class Suggestion(NamedTuple):
    """The choice a typed answer most likely means."""

    value: str
    label: str
    score: float


def normalize(text: str) -> str:
    """Return ``text`` lower-cased, punctuation gone and filler words dropped."""
    words = _NON_WORD.sub(" ", text.lower().replace("'", "")).split()
    return " ".join(word for word in words if word not in STOPWORDS)


def _phrases(choice: Choice) -> Iterable[str]:
    """Yield every way of saying a choice, normalized, skipping those that become empty."""
    for phrase in (choice.value.replace("_", " "), choice.label, *choice.synonyms):
        cleaned = normalize(phrase)
        if cleaned:
            yield cleaned


def _score(query: str, phrase: str) -> float:
    """Return how well ``query`` matches ``phrase``, 0 to 100.

    The token-set ratio rewards a phrase found inside a longer answer; the token-sort ratio
    keeps a short phrase from scoring full marks against any answer that happens to hold it.
    """
    return (fuzz.token_set_ratio(query, phrase) + fuzz.token_sort_ratio(query, phrase)) / 2


def _exact(field: FieldDef, text: str) -> Choice | None:
    """Return the choice whose value or label is ``text`` apart from case and spaces."""
    wanted = " ".join(text.split()).casefold()
    return next((choice for choice in field.choices
                 if wanted in (choice.value.casefold(), " ".join(choice.label.split()).casefold())),
                None)


def exact_choice(field: FieldDef, text: Any) -> str | None:
    """Return the value of the one choice that ``text`` names exactly, or None.

    Exactly means: its value, its label or one of its ``synonyms``, apart from case, spacing,
    punctuation and filler words ("My husband did it." names the synonym "my husband did it").
    These need no confirming: the flow lists them as ways of saying that choice.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        return None
    exact = _exact(field, text)
    if exact is not None:
        return exact.value
    query = normalize(text)
    if not query:
        return None
    named = {choice.value for choice in field.choices if query in set(_phrases(choice))}
    return named.pop() if len(named) == 1 else None


def exact_choices(field: FieldDef, text: str) -> list[str] | None:
    """Return the values a list typed as one text names exactly ("savings, credit card")."""
    whole = exact_choice(field, text)
    if whole is not None:
        return [whole]
    parts = [part for part in _SPLIT.split(text) if part and part.strip()]
    found = [exact_choice(field, part) for part in parts]
    if not found or any(value is None for value in found):
        return None
    return list(dict.fromkeys(value for value in found if value is not None))


def suggest(field: FieldDef, text: str) -> Suggestion | None:
    """Return the choice of ``field`` that the typed ``text`` most likely means, or None.

    :param field: a choice or multichoice field of the flow.
    :param text: what the person typed instead of picking a choice.
    """
    if not field.choices or not isinstance(text, str) or not text.strip():
        return None
    exact = _exact(field, text)
    if exact is not None:
        return Suggestion(exact.value, exact.label, 100.0)
    query = normalize(text)
    if not query:
        return None
    ranked = sorted(((max(_score(query, phrase) for phrase in _phrases(choice)), index)
                     for index, choice in enumerate(field.choices) if any(_phrases(choice))),
                    key=lambda item: (-item[0], item[1]))
    if not ranked or ranked[0][0] < THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MARGIN:
        return None
    best = field.choices[ranked[0][1]]
    return Suggestion(best.value, best.label, round(ranked[0][0], 1))


def suggest_many(field: FieldDef, text: str) -> list[Suggestion] | None:
    """Return a choice for each part of a list typed as one text ("savings and a card").

    None unless every part has a clear match.
    """
    if not isinstance(text, str):
        return None
    parts = [part for part in _SPLIT.split(text) if part and part.strip()]
    found = [suggest(field, part) for part in parts]
    if not found or any(item is None for item in found):
        return None
    unique = {item.value: item for item in found if item is not None}
    return list(unique.values())


def _labels(field: FieldDef) -> str:
    return ", ".join(choice.label for choice in field.choices)


def message(field: FieldDef, answer: Any) -> str:
    """Return the message for an answer that is not one of the choices: a suggestion to
    confirm when there is a clear match, else the list of choices."""
    if field.type == "multichoice" and isinstance(answer, str):
        many = suggest_many(field, answer)
        if many:
            labels = " and ".join(item.label for item in many)
            values = ", ".join(item.value for item in many)
            return f"Did you mean: {labels}? Send {values} to confirm."
    elif isinstance(answer, str):
        found = suggest(field, answer)
        if found is not None:
            return f"Did you mean: {found.label}? Send {found.value} to confirm."
    return f"Choose one of: {_labels(field)}."


class ChoiceCheck:
    """A marshmallow validator for one choice: refuse anything else, suggesting a match."""

    def __init__(self, field: FieldDef) -> None:
        self.field = field
        self.values = frozenset(choice.value for choice in field.choices)

    def __call__(self, value: Any) -> Any:
        if value in self.values:
            return value
        raise ValidationError(message(self.field, value))
