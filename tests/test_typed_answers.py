"""Answers as people type them: dates, times and zones, list lines, amounts and choice words.

Each answer goes through the engine's answer path (``Engine.answer`` on the shipped flow, with
the letters' check as the app wires it), so what is stored is what letters and calculators read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from service import letters
from service.engine import Engine, load_flow, moments
from service.engine.flowdef import StateDef

FLOW = Path(__file__).parent.parent / "flows" / "crypto-loss-recovery.yaml"
#: 2026-11-21 at 15:00 UTC: 10:00 in New York, the day after the wire.
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_flow(FLOW), check=letters.check_answers,
                  constraints=letters.vocabulary_constraints)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moments, "now", lambda: NOW)


def _state(engine: Engine, name: str) -> StateDef:
    return next(state for state in engine.flow.states.values()
                if any(spec.name == name for spec in state.fields))


def answer(engine: Engine, name: str, value: Any, **extra: Any) -> Any:
    """Answer one field of the step that asks it (other fields left empty); return it stored."""
    state = _state(engine, name)
    others = {spec.name: _filler(spec) for spec in state.fields
              if spec.required and spec.name != name}
    conv = engine.start("c")
    conv.state, conv.history = state.id, [state.id]
    engine.answer(conv, state.id, conv.version, {**others, name: value, **extra})
    return conv.answers[state.id].get(name)


def _filler(spec: Any) -> Any:
    if spec.choices:
        return [spec.choices[0].value] if spec.type == "multichoice" else spec.choices[0].value
    return {"boolean": False, "money": "1.00", "acknowledge": True}.get(spec.type, "x")


def refused(engine: Engine, name: str, value: Any, **extra: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        answer(engine, name, value, **extra)
    messages = caught.value.normalized_messages()[name]
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), messages
    return messages


@pytest.mark.parametrize(("typed", "stored"), [
    ("2026-11-20 14:00 ET", "2026-11-20T19:00:00Z"),
    ("2026-11-20T14:00:00Z", "2026-11-20T14:00:00Z"),
    ("2026-11-20 14:00 -05:00", "2026-11-20T19:00:00Z"),
    ("2026-11-20 14:00-05:00", "2026-11-20T19:00:00Z"),
    ("yesterday 3pm ET", "2026-11-20T20:00:00Z"),
    ("today 9:15 am PT", "2026-11-21T17:15:00Z"),
    ("11/20/2026 3:15 PM EST", "2026-11-20T20:15:00Z"),
    ("11/20/2026 3:15 p.m. CT", "2026-11-20T21:15:00Z"),
    ("Nov 20, 2026 at 2pm MT", "2026-11-20T21:00:00Z"),
    ("2026-07-03 14:00 EDT", "2026-07-03T18:00:00Z"),   # summer: Eastern is -4
    ("2026-07-03 2pm Eastern", "2026-07-03T18:00:00Z"),
    ("2026-11-20 14:00 UTC", "2026-11-20T14:00:00Z"),
    ("2026-11-20 14:00 America/Chicago", "2026-11-20T20:00:00Z"),
])
def test_a_wire_time_is_read_as_people_write_it(engine: Engine, typed: str, stored: str) -> None:
    assert answer(engine, "wire_sent_at", typed) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("2026-11-20 14:00", "Add your time zone, for example 2026-11-20 14:00 ET."),
    ("yesterday 3pm", "Add your time zone, for example yesterday 3pm ET."),
    ("3pm", "Add the day too, for example today 3pm ET."),
    ("11/20/2026", "Add the time too, for example 11/20/2026 2:00 PM ET."),
    ("2026-11-20 14:00 CET", "Use a US time zone such as ET, CT, MT or PT"),
    ("last week sometime", "Enter the date and time, for example 2026-11-20 2:00 PM ET."),
    ("2026-02-30 14:00 ET", "Enter the date and time, for example 2026-11-20 2:00 PM ET."),
    ("13:00 pm 2026-11-20 ET", "Enter the date and time"),
])
def test_a_time_without_a_zone_or_day_says_exactly_what_to_add(engine: Engine, typed: str,
                                                               message: str) -> None:
    assert refused(engine, "wire_sent_at", typed)[0].startswith(message)


def test_the_zone_the_request_gives_reads_a_time_without_one(engine: Engine) -> None:
    assert answer(engine, "wire_sent_at", "2026-11-20 14:00",
                  _time_zone="America/Chicago") == "2026-11-20T20:00:00Z"
    assert answer(engine, "wire_sent_at", "yesterday 3pm", _time_zone="-05:00") == (
        "2026-11-20T20:00:00Z")
    # a zone typed in the answer wins; a zone the request gives wrongly is ignored
    assert answer(engine, "wire_sent_at", "2026-11-20 14:00 PT",
                  _time_zone="America/Chicago") == "2026-11-20T22:00:00Z"
    assert refused(engine, "wire_sent_at", "2026-11-20 14:00", _time_zone="Mars/Base")


def test_yesterday_is_the_day_before_the_answer_where_the_person_is(engine: Engine) -> None:
    # 15:00 UTC on the 21st is already the 22nd in Tokyo (+09:00)
    assert answer(engine, "wire_sent_at", "yesterday 8am", _time_zone="+09:00") == (
        "2026-11-20T23:00:00Z")


@pytest.mark.parametrize(("typed", "stored"), [
    ("2026-11-20", "2026-11-20"), ("11/20/2026", "2026-11-20"), ("11/20/26", "2026-11-20"),
    ("Nov 3, 2026", "2026-11-03"), ("3 November 2026", "2026-11-03"),
    ("today", "2026-11-21"), ("yesterday", "2026-11-20"),
])
def test_a_date_is_read_as_people_write_it(engine: Engine, typed: str, stored: str) -> None:
    assert answer(engine, "wire_notice_date", typed) == stored


def test_a_date_that_cannot_be_read_shows_two_ways_to_write_it(engine: Engine) -> None:
    assert refused(engine, "wire_notice_date", "the 20th") == [
        "Enter a date, for example 2026-11-20 or 11/20/2026."]
    assert refused(engine, "wire_notice_date", "20/11/2026")  # month 20: not guessed


def test_timeline_lines_take_a_colon_or_a_dash_after_the_date(engine: Engine) -> None:
    typed = ("2026-11-10: Mark drew 250,000 dollars from the home equity line\n"
             "11/12/2026 - He wired it to the exchange\n"
             "2026-11-14 2pm ET: I found out; I called the bank\n"
             "2026-11-15; Called the police")
    assert answer(engine, "timeline_events", typed) == (
        "2026-11-10; Mark drew 250,000 dollars from the home equity line\n"
        "2026-11-12; He wired it to the exchange\n"
        "2026-11-14T19:00:00Z; I found out; I called the bank\n"
        "2026-11-15; Called the police")


def test_a_timeline_line_that_cannot_be_read_says_what_a_line_looks_like(engine: Engine) -> None:
    messages = refused(engine, "timeline_events",
                       "Monday he lost it\n2026-11-13 14:00; called\n2026-11-14; ok")
    assert messages == [
        "Line 1: This line has 1 part, and a line needs 2, with a semicolon (;) between them: "
        "When; What happened. For example: 2025-07-01; He opened a short on the exchange",
        "Line 2: When: Add your time zone, for example 2026-11-13 14:00 ET."]


def test_an_order_line_with_parts_missing_shows_the_parts_and_an_example(engine: Engine) -> None:
    [message] = refused(engine, "trades",
                        "2026-11-12; BTC-USD perpetual short 10x; liquidated 2026-11-14")
    assert message == (
        "Line 1: This line has 3 parts, and a line needs 6, with a semicolon (;) between them: "
        "Time; Order ID; Pair; Side; Quantity; Price. For example: "
        "2026-11-20 2:05 PM ET; OID-1; BTC-USD; sell short; 2.5; 61000.00")
    [message] = refused(engine, "trades", "2026-11-12 9am ET; OID-1; BTC-USD; ; 2.5; 61000")
    assert message.startswith("Line 1: Side is missing. For example: 2026-11-20 2:05 PM ET")


def test_an_order_line_takes_a_time_as_people_write_it(engine: Engine) -> None:
    assert answer(engine, "trades", "11/12/2026 9:05 AM ET; OID-1; BTC-USD; sell short; 2.5; "
                                    "61000.00") == (
        "2026-11-12T14:05:00Z; OID-1; BTC-USD; sell short; 2.5; 61000.00")


def test_a_transfer_line_may_leave_out_the_optional_parts_at_the_end(engine: Engine) -> None:
    assert answer(engine, "crypto_transfers",
                  "2026-11-18 9:31 PM ET; BTC; 0.45; ; ; 3f2a9c0d") == (
        "2026-11-19T02:31:00Z; BTC; 0.45; ; ; 3f2a9c0d")
    [message] = refused(engine, "crypto_transfers", "2026-11-18T02:31:00Z; BTC; 0.45")
    assert "a line needs 6" in message and "Value in USD (optional)" in message
    assert message.endswith("0xabc; ; 0xdef")


def test_many_bad_lines_are_summed_up(engine: Engine) -> None:
    messages = refused(engine, "timeline_events", "\n".join(["nothing"] * 8))
    assert len(messages) == 6 and messages[-1] == "3 more lines need the same kind of fix."


def test_stored_list_answers_read_back_unchanged(engine: Engine) -> None:
    stored = answer(engine, "timeline_events", "2026-11-10: drew\n2026-11-14 2pm ET - found")
    assert answer(engine, "timeline_events", stored) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("-30000", "Enter an amount from $0.01 to $1,000,000,000,000."),
    ("2000000000000", "Enter an amount from $0.01 to $1,000,000,000,000."),
])
def test_money_limits_are_shown_as_money(engine: Engine, typed: str, message: str) -> None:
    assert refused(engine, "wire_amount", typed) == [message]


def test_money_may_be_typed_with_a_dollar_sign(engine: Engine) -> None:
    assert answer(engine, "wire_amount", "$30,000") == "30000.00"


def test_a_synonym_the_flow_lists_is_taken_without_confirming(engine: Engine) -> None:
    for typed in ("my husband did it", "My husband did it.", "spouse"):
        assert answer(engine, "situation", typed) == "partner"
    assert answer(engine, "funding", ["savings and credit card"]) == ["savings", "credit_card"]
    assert answer(engine, "funding", ["A wire transfer", "my savings"]) == ["wire", "savings"]


def test_a_near_miss_still_asks_to_confirm(engine: Engine) -> None:
    [message] = refused(engine, "situation", "my husbnd traded it")
    assert message.startswith("Did you mean: A partner") and "Send partner" in message


def test_a_bad_pick_in_a_list_is_one_plain_message(engine: Engine) -> None:
    assert refused(engine, "funding", ["savings", "0", "zz"]) == [
        "Choose one of: Savings, A home equity line (HELOC) or other loan, A credit card, "
        "A debit card, A bank transfer (ACH), A wire transfer."]


def test_limits_of_other_numbers_are_shown_with_commas() -> None:
    from service.engine.answers import build_field
    from service.engine.flowdef import FieldDef

    figure = build_field(FieldDef("figure", "decimal", "A figure"))
    for typed in ("-2000000000000", "2000000000000"):
        with pytest.raises(ValidationError) as caught:
            figure.deserialize(typed)
        assert caught.value.messages == [
            "Enter a number from -1,000,000,000,000 to 1,000,000,000,000."]
    count = build_field(FieldDef("count", "integer", "A count", min=1, max=10000))
    with pytest.raises(ValidationError) as caught:
        count.deserialize("20000")
    assert caught.value.messages == ["Enter a value from 1 to 10,000."]


# Things that have happened cannot be in the future ------------------------------------------

def test_a_wire_sent_in_the_future_is_refused_kindly(engine: Engine) -> None:
    assert refused(engine, "wire_sent_at", "2030-11-20 2:00 PM ET") == [
        "This time is still to come. Check the day, the time and the time zone."]
    assert answer(engine, "wire_sent_at", "today 9am ET") == "2026-11-21T14:00:00Z"


def test_a_day_that_has_not_come_is_refused_and_today_anywhere_is_taken(engine: Engine) -> None:
    assert refused(engine, "learned_of_loss", "2026-11-23") == [
        "This day is still to come. Enter the day it happened."]
    # 15:00 UTC on the 21st is already the 22nd east of UTC+9: that day has begun somewhere.
    assert answer(engine, "learned_of_loss", "2026-11-22") == "2026-11-22"


def test_the_step_describes_today_as_a_date(engine: Engine) -> None:
    spec = next(spec for spec in _state(engine, "learned_of_loss").fields
                if spec.name == "learned_of_loss")
    assert spec.max == "today" and spec.describe()["max"] == "2026-11-22"


def test_a_moving_bound_must_be_today_or_a_date() -> None:
    from service.engine.flowdef import parse_flow

    text = FLOW.read_text("utf-8").replace("max: today", "max: tomorrow", 1)
    with pytest.raises(ValueError, match="max"):
        parse_flow(text)


# Answers that contradict each other are refused as they come, naming the field -----------------

def test_a_statement_dated_before_the_transfers_it_shows_is_refused(engine: Engine) -> None:
    transfers = "2026-11-16; 12000.00; online transfer; to Coinbase"
    assert refused(engine, "bank_statement_date", "2026-11-10", bank_transfers=transfers) == [
        "A statement that shows the transfers cannot be dated before the first of them, "
        "November 16, 2026. Check the date on the statement."]
    assert answer(engine, "bank_statement_date", "2026-11-20",
                  bank_transfers=transfers) == "2026-11-20"


def test_a_separation_before_the_marriage_is_refused(engine: Engine) -> None:
    assert refused(engine, "separation_date", "2019-05-01", marriage_date="2020-06-01") == [
        "Make the separation no earlier than the marriage."]


def test_the_reg_e_letter_keeps_the_same_rule() -> None:
    data = {"full_name": "Sam O'Neil", "mailing_address": "1 Main St\nAustin, TX 78701",
            "bank_name": "First Bank", "bank_address": "PO Box 1\nAustin, TX 78701",
            "account_last4": "4421", "bank_account_type": "checking",
            "learned_of_loss": "2026-11-17", "error_reason": "unauthorized",
            "bank_transfers": "2026-11-16; 12000.00; online transfer; to Coinbase",
            "bank_statement_date": "2026-11-10"}
    with pytest.raises(ValidationError) as caught:
        letters.render("reg-e-error-notice", data, "txt")
    assert list(caught.value.messages) == ["bank_statement_date"]
    assert letters.render("reg-e-error-notice", {**data, "bank_statement_date": "2026-11-20"},
                          "txt").content
