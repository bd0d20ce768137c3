"""Typed answers to choice questions: the nearest choice is suggested, or none when unclear."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from service import load_engines
from service.engine import FieldDef
from service.engine.flowdef import Choice, FlowError, parse_flow
from service.engine.fuzzy import (
    THRESHOLD,
    ChoiceCheck,
    message,
    normalize,
    suggest,
    suggest_many,
)

FLOW = load_engines()["crypto-loss-recovery"].flow
FIELDS = {spec.name: spec for state in FLOW.states.values() for spec in state.fields}


@pytest.mark.parametrize(("field", "typed", "expected"), [
    ("situation", "my husband did it", "partner"),
    ("situation", "My wife traded our savings", "partner"),
    ("situation", "my boyfriend used my account", "partner"),
    ("situation", "got hacked", "takeover"),
    ("situation", "I was HACKED!!", "takeover"),
    ("situation", "someone stole my login", "takeover"),
    ("situation", "pig-butchering", "scam"),
    ("situation", "the app said I had to pay a tax to withdraw", "scam"),
    ("situation", "i clicked short by accident", "misclick"),
    ("situation", "fat-fingered the order", "misclick"),
    ("situation", "liquidated", "liquidation"),
    ("situation", "margin call wiped me out", "liquidation"),
    ("situation", "the price dropped", "bad_trade"),
    ("situation", "Partner", "partner"),
    ("situation", "  an ORDINARY trade lost money ", "bad_trade"),
    ("wellbeing", "I want to die", "crisis"),
    ("wellbeing", "not great", "struggling"),
    ("wellbeing", "I'm ok", "steady"),
    ("goal", "just the taxes", "tax_only"),
    ("filing_status", "joint", "married_joint"),
    ("filing_status", "MFS", "married_separate"),
    ("money_now", "all gone", "lost_in_trades"),
    ("money_now", "withdrawn to another wallet", "outside_wallets"),
    ("funding", "home equity loan", "heloc"),
])
def test_typed_answers_find_their_choice(field: str, typed: str, expected: str) -> None:
    found = suggest(FIELDS[field], typed)
    assert found is not None and found.value == expected
    assert found.label == next(c.label for c in FIELDS[field].choices if c.value == expected)
    assert THRESHOLD <= found.score <= 100


@pytest.mark.parametrize(("field", "typed"), [
    ("situation", "xyz"),
    ("situation", "yes"),
    ("situation", "help"),
    ("situation", "I don't know"),
    ("situation", ""),
    ("situation", "   "),
    ("filing_status", "married"),  # jointly or separately: too close to call
    ("wellbeing", "idk"),
])
def test_unclear_answers_get_no_suggestion(field: str, typed: str) -> None:
    assert suggest(FIELDS[field], typed) is None


def test_the_message_offers_the_match_and_how_to_confirm_it() -> None:
    assert message(FIELDS["situation"], "my husband did it") == (
        "Did you mean: A partner or family member traded without my agreement? "
        "Send partner to confirm.")


def test_without_a_match_the_message_lists_the_choices() -> None:
    text = message(FIELDS["filing_status"], "married")
    assert text.startswith("Choose one of: Single, Married filing jointly,")
    assert "Did you mean" not in text


def test_a_list_typed_as_text_is_matched_part_by_part() -> None:
    found = suggest_many(FIELDS["funding"], "savings and a credit card")
    assert [item.value for item in found or []] == ["savings", "credit_card"]
    assert message(FIELDS["funding"], "heloc + wire") == (
        "Did you mean: A home equity line (HELOC) or other loan and A wire transfer? "
        "Send heloc, wire to confirm.")
    assert suggest_many(FIELDS["funding"], "savings and xyz") is None
    assert suggest_many(FIELDS["funding"], ["savings"]) is None  # type: ignore[arg-type]


def _field(*choices: Choice) -> FieldDef:
    return FieldDef(name="pick", type="choice", label="Pick one", choices=choices)


def test_two_close_choices_are_too_unsure_to_offer() -> None:
    field = _field(Choice("a", "Bank transfer out"), Choice("b", "Bank transfer in"))
    assert suggest(field, "bank transfer") is None
    alone = _field(Choice("a", "Bank transfer out"), Choice("b", "Card payment"))
    found = suggest(alone, "bank transfer")
    assert found is not None and found.value == "a"
    assert found.score >= THRESHOLD


def test_synonyms_are_matched_and_ties_go_to_the_earlier_choice() -> None:
    field = _field(Choice("x", "First", ("hacked",)), Choice("y", "Second", ("hacked",)))
    assert suggest(field, "hacked") is None  # the same score for both: not clear
    field = _field(Choice("x", "Stolen account", ("got hacked",)), Choice("y", "Something else"))
    found = suggest(field, "got hacked")
    assert found is not None and found.value == "x"


def test_filler_words_and_punctuation_are_ignored() -> None:
    assert normalize("I think it's MY husband, really!") == "husband"
    assert normalize("the a an") == ""


def test_a_field_without_choices_or_a_non_text_answer_gets_nothing() -> None:
    assert suggest(FieldDef(name="t", type="text", label="T"), "anything") is None
    assert suggest(FIELDS["situation"], 42) is None  # type: ignore[arg-type]
    assert message(FIELDS["situation"], 42).startswith("Choose one of:")


def test_the_validator_passes_choices_and_refuses_the_rest_with_a_suggestion() -> None:
    check = ChoiceCheck(FIELDS["situation"])
    assert check("takeover") == "takeover"
    with pytest.raises(ValidationError) as caught:
        check("got hacked")
    assert caught.value.messages == [
        "Did you mean: Someone got into my account? Send takeover to confirm."]


def test_synonyms_are_part_of_the_flow_format() -> None:
    partner = next(c for c in FIELDS["situation"].choices if c.value == "partner")
    assert "my husband did it" in partner.synonyms
    flow = """
id: s
version: "1"
title: S
start: a
stages: [{id: s, title: S}]
states:
  - {id: a, stage: s, title: A, next: [{to: b}],
     fields: [{name: k, type: choice, label: K, choices: [{value: v, label: V, synonyms: %s}]}]}
  - {id: b, stage: s, title: B, final: true}
"""
    assert parse_flow(flow % "[one, two]").states["a"].fields[0].choices[0].synonyms == (
        "one", "two")
    assert parse_flow(flow % "[]").states["a"].fields[0].choices[0].synonyms == ()
    with pytest.raises(FlowError, match="synonyms"):
        parse_flow(flow % "['']")
