"""Every word of the recovery flow reads at or below a US grade 8 level, on a bad day.

Each state's text is rendered (its Jinja filled in) with many sets of answers and results:
none at all, a "kitchen sink" for every situation that switches on every optional paragraph,
and the six people of ``tests/transcripts`` replayed through the engine. Each rendering, each
help text, each state's labels and the titles are scored with textstat's Flesch-Kincaid grade.
Markdown marks are dropped, and a heading or list item counts as a sentence of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import textstat
import yaml

from service import importers, load_engines
from service.engine import Engine, StateDef
from service.engine.render import TextRenderer

ENGINE: Engine = load_engines()["crypto-loss-recovery"]
FLOW = ENGINE.flow
STATES = list(FLOW.states.values())
TRANSCRIPTS = Path(__file__).parent / "transcripts"
MAX_GRADE = 8.0
MAX_SENTENCE_WORDS = 30
MAX_TITLE_WORDS = 7
MAX_LABEL_WORDS = 12
MAX_CHOICE_WORDS = 16
MAX_CHECKLIST_WORDS = 14
#: Choices that are place names, not prose: they are exempt from the grade of the labels.
PLACE_FIELDS = {"state"}

_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.|#{1,6})\s+")
_MARKS = re.compile(r"[*_`>]")


def prose(text: str) -> str:
    """Return Markdown as plain sentences: marks dropped, each heading or item a sentence."""
    sentences = []
    for block in re.split(r"\n\s*\n", text):
        items: list[list[str]] = []
        after_heading = False
        for line in block.splitlines():
            if _ITEM.match(line) or not items or after_heading:
                items.append([_ITEM.sub("", line).strip()])
            elif line.strip():
                items[-1].append(line.strip())
            after_heading = line.lstrip().startswith("#")
        for words in items:
            sentence = _MARKS.sub("", " ".join(word for word in words if word)).strip()
            if sentence:
                sentences.append(sentence if sentence[-1] in ".!?:" else sentence + ".")
    return " ".join(sentences)


def grade(text: str) -> float:
    """Return the Flesch-Kincaid grade of ``text`` read as prose."""
    return float(textstat.flesch_kincaid_grade(prose(text)))


def _kitchen_sinks() -> Iterator[dict[str, Any]]:
    """Yield answers for each situation that turn on every optional paragraph."""
    for situation in ("misclick", "liquidation", "bad_trade", "takeover", "scam", "partner"):
        for goal, state, loss_kind in (("full_plan", "CA", "scam"), ("tax_only", "AK", "trading")):
            yield {"answers": {
                "situation": situation, "goal": goal, "wellbeing": "crisis", "state": state,
                "funding": ["savings", "heloc", "credit_card", "debit_card", "ach", "wire"],
                "money_now": ["open_positions", "outside_wallets"], "shared_finances": True,
                "loss_kind": loss_kind, "filing_status": "married_separate", "tax_year": 2026,
                "professionals": ["planner", "cpa", "attorney", "counselor"],
                "exchange_name": "Kraken", "owes_exchange": "yes",
                "tax_return_filed_date": "2026-04-10"}, "results": {}}


def _replayed(path: Path) -> dict[str, Any]:
    """Return the answers and results of one transcript, replayed through the engine."""
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    uploads: dict[str, dict[str, Any]] = {}
    conv = ENGINE.start("readability")
    for step in script["steps"]:
        answers = dict(step["answers"])
        for name, value in step["answers"].items():
            if isinstance(value, str) and value.startswith("@upload:"):
                with (TRANSCRIPTS / value.removeprefix("@upload:")).open("rb") as handle:
                    uploads[name] = {"transactions": importers.parse(handle).transactions}
                answers[name] = name
        ENGINE.answer(conv, conv.state, conv.version, answers, uploads.get)
    return {"answers": ENGINE.facts(conv), "results": conv.results}


CONTEXTS = [{"answers": {}, "results": {}}, *_kitchen_sinks(),
            *(_replayed(path) for path in sorted(TRANSCRIPTS.glob("*.yaml")))]


def renderings(state: StateDef) -> Iterator[str]:
    """Yield the state's text as each context renders it."""
    renderer = TextRenderer()
    for context in CONTEXTS:
        text, _ = renderer.render(state.text, context)
        if text.strip():
            yield text


def test_the_contexts_cover_all_six_people_and_their_results() -> None:
    assert len(CONTEXTS) == 1 + 12 + 6
    replayed = CONTEXTS[-6:]
    assert all(context["results"].get("capital-loss") for context in replayed)
    assert any(context["results"].get("margin") for context in replayed)
    assert any(context["results"].get("debt-payoff") for context in replayed)


@pytest.mark.parametrize("state", STATES, ids=[state.id for state in STATES])
def test_every_text_reads_at_grade_8_or_below(state: StateDef) -> None:
    texts = list(renderings(state))
    assert texts, f"{state.id} has no text"
    for text in texts:
        assert grade(text) <= MAX_GRADE, f"{state.id}: grade {grade(text):.1f}\n{text}"
        for sentence in re.split(r"(?<=[.!?:])\s+", prose(text)):
            assert len(sentence.split()) <= MAX_SENTENCE_WORDS, f"{state.id}: {sentence}"


@pytest.mark.parametrize("state", STATES, ids=[state.id for state in STATES])
def test_every_help_reads_at_grade_8_or_below(state: StateDef) -> None:
    for spec in state.fields:
        if spec.help:
            assert grade(spec.help) <= MAX_GRADE, f"{state.id}.{spec.name}: {spec.help}"


@pytest.mark.parametrize("state", [s for s in STATES if s.fields],
                         ids=[s.id for s in STATES if s.fields])
def test_labels_are_short_and_plain(state: StateDef) -> None:
    labels = [spec.label for spec in state.fields]
    choices = [choice.label for spec in state.fields if spec.name not in PLACE_FIELDS
               for choice in spec.choices]
    for label in labels:
        assert len(label.split()) <= MAX_LABEL_WORDS, label
    for label in choices:
        assert len(label.split()) <= MAX_CHOICE_WORDS, label
    passage = "\n\n".join(labels + choices)
    assert grade(passage) <= MAX_GRADE, f"{state.id}: grade {grade(passage):.1f}"


def test_titles_are_short_and_plain() -> None:
    titles = [state.title for state in STATES] + [stage.title for stage in FLOW.stages]
    for title in titles:
        assert len(title.split()) <= MAX_TITLE_WORDS, title
    assert grade("\n\n".join(titles)) <= MAX_GRADE


def test_checklist_items_are_short_and_plain() -> None:
    items = [item.text for state in STATES for item in state.checklist]
    assert items
    for text in items:
        assert len(text.split()) <= MAX_CHECKLIST_WORDS, text
    assert grade("\n\n".join(items)) <= MAX_GRADE


@pytest.mark.parametrize(("text", "expected"), [
    ("**Bold** words\n- one item\n- another item", "Bold words. one item. another item."),
    ("### A heading\nA line that\nwraps.", "A heading. A line that wraps."),
])
def test_prose_turns_markdown_into_sentences(text: str, expected: str) -> None:
    assert prose(text) == expected


def test_a_hard_text_is_caught() -> None:
    hard = ("Notwithstanding contemporaneous documentation requirements, institutional "
            "counterparties' reconciliation obligations necessitate comprehensive "
            "substantiation of unauthorized electronic fund transfer allegations.")
    assert grade(hard) > MAX_GRADE
