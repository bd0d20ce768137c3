"""Every step of the seed article is in the flow, and the flow carries its safety notes.

``docs/seed-coverage.md`` maps each step of the recovery article to the states that carry it
and the words those states must say. This test reads that table against the flow file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service import load_engines
from service.engine import StateDef

FLOW = load_engines()["crypto-loss-recovery"].flow
TABLE = Path(__file__).parent.parent / "docs" / "seed-coverage.md"

#: The article's steps, section by section, in its order: one id per bullet.
SEED_STEPS = {
    "Stop the damage": ["stop-1", "stop-2", "stop-3"],
    "Gather proof": ["proof-1", "proof-2", "proof-3", "proof-4"],
    "Contact the platform": ["platform-1", "platform-2", "platform-3"],
    "Secure related accounts": ["related-1", "related-2"],
    "Spot, margin, and short selling": ["trade-1", "trade-2", "trade-3"],
    "Liquidations and fees": ["trade-4", "trade-5"],
    "Confirm the final status": ["trade-6", "trade-7"],
    "Platform escalation": ["back-1", "back-2", "back-3"],
    "Bank and payment disputes": ["back-4", "back-5"],
    "On-chain tracing": ["trace-1", "trace-2"],
    "When the loss was a partner's action": ["partner-1", "partner-2", "partner-3"],
    "Set expectations": ["expect-1"],
    "Document and deduct": ["tax-1", "tax-2", "tax-3"],
    "Put guardrails in writing": ["rules-1", "rules-2", "rules-3"],
    "Clean up the balance sheet": ["sheet-1", "sheet-2", "sheet-3"],
    "Simplify your approach": ["habit-1", "habit-2"],
    "Use basic risk management": ["habit-3", "habit-4", "habit-5"],
    "Build a support team": ["help-1", "help-2", "help-3", "help-4"],
}


def _rows() -> list[tuple[str, str, list[str], list[str]]]:
    """Return the table's rows: (id, step, states, words to find)."""
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 4 or cells[0] in ("id", "---"):
            continue
        states = re.findall(r"`([a-z_]+)`", cells[2])
        words = [word.strip().lower() for word in cells[3].split(";") if word.strip()]
        rows.append((cells[0], cells[1], states, words))
    return rows


def said(state: StateDef) -> str:
    """Return everything a state says, lower-cased, one space between words, no bold marks."""
    parts = [state.title, state.text, *(item.text for item in state.checklist)]
    for spec in state.fields:
        parts += [spec.label, spec.help, *(choice.label for choice in spec.choices)]
    return " ".join(" ".join(parts).replace("*", "").lower().split())


ROWS = _rows()


def test_every_step_of_the_article_has_a_row_in_order() -> None:
    expected = [step for steps in SEED_STEPS.values() for step in steps]
    assert [row[0] for row in ROWS] == expected
    assert all(row[1] and row[2] and row[3] for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_the_listed_states_exist_and_say_the_step(
        row: tuple[str, str, list[str], list[str]]) -> None:
    step, _, states, words = row
    unknown = [state for state in states if state not in FLOW.states]
    assert not unknown, f"{step}: no such state {unknown}"
    texts = {state: said(FLOW.states[state]) for state in states}
    for word in words:
        assert any(word in text for text in texts.values()), f"{step}: nobody says {word!r}"
    for state, text in texts.items():
        assert any(word in text for word in words), f"{step}: {state} says none of {words}"


def test_a_missing_word_or_state_would_be_caught() -> None:
    step = FLOW.states["secure"]
    assert "log out everywhere" in said(step)
    assert "restraining order" not in said(step)
    assert "no_such_state" not in FLOW.states


# -- safety ------------------------------------------------------------------------------------

MONEY_BACK = re.compile(r"refund|recall|chargeback|get (?:your|the|it|stolen|crypto) \w* ?back"
                        r"|money back|get it back|trace or recover")
RECOVERY_WARNING = re.compile(r"\bfees?\b")
RECOVERY_WORDS = re.compile(r"scam|wary|beware|never pay|no honest")
NOT_ADVICE = re.compile(r"not (?:legal|tax)(?:, tax or financial)? advice")


@pytest.mark.parametrize("state", list(FLOW.states.values()), ids=list(FLOW.states))
def test_wherever_money_coming_back_is_discussed_fake_recovery_is_warned_of(
        state: StateDef) -> None:
    text = " ".join(state.text.replace("*", "").lower().split())
    if MONEY_BACK.search(text):
        assert RECOVERY_WORDS.search(text) and RECOVERY_WARNING.search(text), state.id


def test_money_coming_back_is_discussed_in_the_expected_places() -> None:
    talking = {state.id for state in FLOW.states.values()
               if MONEY_BACK.search(" ".join(state.text.lower().split()))}
    assert {"wire_urgent", "platform", "security_review", "scam_platform", "escalate",
            "bank_dispute", "cards", "report", "helpers", "done"} <= talking


@pytest.mark.parametrize("state", ["welcome", "bank_dispute", "legal", "tax_result", "done"])
def test_not_advice_is_said_where_it_matters(state: str) -> None:
    assert NOT_ADVICE.search(said(FLOW.states[state])), state


def test_crisis_lines_are_offered_without_a_detour() -> None:
    assert "988" in said(FLOW.states["welcome"])
    for state in ("proof", "your_details", "helpers", "done"):
        text = said(FLOW.states[state])
        assert "988" in text and 'wellbeing in ["struggling", "crisis"]' in text, state
    assert "1-800-gambler" in said(FLOW.states["habits"])
    wellbeing = next(spec for spec in FLOW.states["secure"].fields if spec.name == "wellbeing")
    assert not wellbeing.required
    assert {choice.value for choice in wellbeing.choices} >= {"struggling", "crisis"}
    assert all(t.to != "support" for s in FLOW.states.values() for t in s.next)


def test_no_secret_is_ever_asked_for() -> None:
    forbidden = re.compile(r"ssn|social|password|phrase|seed|pin\b|card_number|cvv|"
                           r"private_key|account_number")
    for state in FLOW.states.values():
        for spec in state.fields:
            assert not forbidden.search(spec.name), spec.name
            if "last 4" in spec.label.lower() or spec.name.endswith("_last4"):
                assert spec.pattern == "[0-9]{4}" and spec.max_length == 4, spec.name


def test_every_vocabulary_type_letter_field_explains_its_line_format() -> None:
    from service.letters import VOCABULARY

    for state in FLOW.states.values():
        for spec in state.fields:
            vocabulary = VOCABULARY.get(spec.name)
            if vocabulary is not None and vocabulary.kind == "items":
                assert spec.type == "textarea" and ";" in spec.help, spec.name
            if vocabulary is not None and vocabulary.kind == "lines":
                assert spec.type == "textarea" and "one per line" in (
                    spec.label + " " + spec.help).lower(), spec.name
