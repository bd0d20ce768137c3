"""Tests for the deadlines calculator, business days and the calendar file."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from marshmallow import ValidationError

from service.calculators import run
from service.calculators.deadlines import add_business_days, is_business_day, to_ics

from .readability import grade_level

CONTRACT_IDS = {
    "reg_e_2_business_days", "reg_e_60_days", "reg_z_60_days", "card_chargeback_120_days",
    "ach_unauthorized_60_days", "wire_kill_chain_72_hours", "wire_report_90_days",
    "wire_objection_1_year",
}
EVERY_START = {
    "learned_of_loss": "2025-07-03", "bank_statement_date": "2025-07-01",
    "card_statement_date": "2025-07-02", "card_processing_date": "2025-06-28",
    "ach_settlement_date": "2025-07-01", "wire_sent_at": "2025-07-03T14:00:00Z",
    "wire_notice_date": "2025-07-02", "heloc_statement_date": "2025-07-05",
    "tax_return_filed_date": "2023-04-10", "tax_paid_date": "2024-06-01",
    "today": "2025-07-05",
}


def deadlines(**payload: Any) -> dict[str, dict[str, Any]]:
    """Run the calculator and return its deadlines by id."""
    return {item["id"]: item for item in run("deadlines", payload)["deadlines"]}


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 7, 3), True),     # Thursday before Independence Day
    (date(2025, 7, 4), False),    # Independence Day
    (date(2025, 7, 5), False),    # Saturday
    (date(2025, 6, 19), False),   # Juneteenth
    (date(2020, 6, 19), True),    # before Juneteenth became a holiday
    (date(2026, 7, 3), True),     # the Fed stays open the Friday before a Saturday holiday
    (date(2026, 7, 4), False),
    (date(2027, 7, 5), False),    # Monday after a Sunday holiday is observed
    (date(2021, 12, 31), True),   # New Year's Day 2022 fell on a Saturday
    (date(2023, 1, 2), False),    # New Year's Day 2023 fell on a Sunday
    (date(2025, 11, 27), False),  # Thanksgiving
    (date(2025, 11, 28), True),   # the day after Thanksgiving is a business day
    (date(2025, 10, 13), False),  # Columbus Day
    (date(2025, 11, 11), False),  # Veterans Day
    (date(2025, 12, 25), False),
    (datetime(2025, 7, 4, 9, tzinfo=UTC), False),
])
def test_is_business_day(day: date, expected: bool) -> None:
    assert is_business_day(day) is expected


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2025, 7, 3), 2, date(2025, 7, 8)),
    (date(2025, 7, 3), 0, date(2025, 7, 3)),
    (date(2025, 7, 5), 2, date(2025, 7, 8)),
    (date(2025, 7, 3), 10, date(2025, 7, 18)),
    (date(2025, 6, 18), 1, date(2025, 6, 20)),
    (date(2025, 6, 18), 2, date(2025, 6, 23)),
    (date(2026, 7, 2), 1, date(2026, 7, 3)),
    (date(2026, 7, 2), 2, date(2026, 7, 6)),
    (date(2025, 11, 26), 1, date(2025, 11, 28)),
    (date(2025, 11, 26), 2, date(2025, 12, 1)),
    (date(2025, 12, 24), 1, date(2025, 12, 26)),
    (date(2025, 7, 8), -2, date(2025, 7, 3)),
    (date(2025, 7, 7), -1, date(2025, 7, 3)),
])
def test_add_business_days(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 40))
def test_add_business_days_lands_on_the_nth_business_day(start: date, days: int) -> None:
    result = add_business_days(start, days)
    assert is_business_day(result)
    between = (start + timedelta(days=offset) for offset in range(1, (result - start).days + 1))
    assert sum(map(is_business_day, between)) == days


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 40))
def test_add_business_days_backwards_undoes_forwards(start: date, days: int) -> None:
    if is_business_day(start):
        assert add_business_days(add_business_days(start, days), -days) == start


@pytest.mark.parametrize(("payload", "deadline_id", "due"), [
    ({"learned_of_loss": "2025-07-03"}, "reg_e_2_business_days", "2025-07-08"),
    ({"learned_of_loss": "2025-06-18"}, "reg_e_2_business_days", "2025-06-23"),
    ({"learned_of_loss": "2025-11-26"}, "reg_e_2_business_days", "2025-12-01"),
    ({"learned_of_loss": "2025-07-03"}, "lawsuit_efta_1_year", "2026-07-03"),
    ({"learned_of_loss": "2025-07-03"}, "lawsuit_tila_1_year", "2026-07-03"),
    ({"learned_of_loss": "2025-07-03"}, "lawsuit_fcra_2_years", "2027-07-03"),
    ({"bank_statement_date": "2025-07-01"}, "reg_e_60_days", "2025-08-30"),
    ({"card_statement_date": "2025-01-15"}, "reg_z_60_days", "2025-03-16"),
    ({"heloc_statement_date": "2025-01-15"}, "heloc_reg_z_60_days", "2025-03-16"),
    ({"card_processing_date": "2025-03-01"}, "card_chargeback_120_days", "2025-06-29"),
    ({"ach_settlement_date": "2025-12-15"}, "ach_unauthorized_60_days", "2026-02-13"),
    ({"wire_sent_at": "2025-07-03T14:00:00Z"}, "wire_kill_chain_72_hours",
     "2025-07-06T14:00:00Z"),
    ({"wire_sent_at": "2025-07-03T22:30:00-05:00"}, "wire_kill_chain_72_hours",
     "2025-07-07T03:30:00Z"),
    ({"wire_sent_at": "2025-07-03T14:00:00"}, "wire_kill_chain_72_hours",
     "2025-07-06T14:00:00Z"),
    ({"wire_notice_date": "2025-03-10"}, "wire_report_90_days", "2025-06-08"),
    ({"wire_notice_date": "2025-03-10"}, "wire_objection_1_year", "2026-03-10"),
    ({"wire_notice_date": "2024-02-29"}, "wire_objection_1_year", "2025-02-28"),
    ({"tax_return_filed_date": "2022-04-15"}, "tax_1040x_refund_claim", "2025-04-15"),
    ({"tax_paid_date": "2024-06-01"}, "tax_1040x_refund_claim", "2026-06-01"),
    ({"tax_return_filed_date": "2022-04-15", "tax_paid_date": "2023-01-10"},
     "tax_1040x_refund_claim", "2025-04-15"),
    ({"tax_return_filed_date": "2022-04-15", "tax_paid_date": "2024-06-01"},
     "tax_1040x_refund_claim", "2026-06-01"),
])
def test_due_dates(payload: dict[str, str], deadline_id: str, due: str) -> None:
    assert deadlines(today="2025-01-01", **payload)[deadline_id]["due"] == due


@pytest.mark.parametrize(("field", "ids"), [
    ("learned_of_loss", {"reg_e_2_business_days", "lawsuit_efta_1_year", "lawsuit_tila_1_year",
                         "lawsuit_fcra_2_years"}),
    ("bank_statement_date", {"reg_e_60_days"}),
    ("wire_notice_date", {"wire_report_90_days", "wire_objection_1_year"}),
    ("wire_sent_at", {"wire_kill_chain_72_hours"}),
])
def test_a_deadline_appears_only_when_its_start_is_given(field: str, ids: set[str]) -> None:
    assert set(deadlines(**{field: EVERY_START[field]})) == ids


def test_every_contract_id_with_its_fields() -> None:
    result = run("deadlines", EVERY_START)
    found = {item["id"]: item for item in result["deadlines"]}
    assert CONTRACT_IDS <= set(found)
    for item in found.values():
        keys = {"id", "due", "title", "rule", "source", "urgency", "action", "days_left"}
        assert keys <= set(item)
        pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" if item["id"] == "wire_kill_chain_72_hours" \
            else r"\d{4}-\d\d-\d\d"
        assert re.fullmatch(pattern, item["due"])
        assert all(item[key] for key in ("title", "rule", "source", "action"))


def test_sorted_by_due_with_a_timed_deadline_before_a_whole_day() -> None:
    result = run("deadlines", {"wire_sent_at": "2025-07-05T14:00:00Z",
                               "learned_of_loss": "2025-07-03", "today": "2025-07-01"})
    ordered = [item["id"] for item in result["deadlines"]]
    assert ordered[:2] == ["wire_kill_chain_72_hours", "reg_e_2_business_days"]
    dues = [item["due"][:10] for item in result["deadlines"]]
    assert dues == sorted(dues)


@pytest.mark.parametrize(("today", "urgency", "days_left"), [
    ("2025-09-05", "overdue", -6),
    ("2025-08-31", "overdue", -1),
    ("2025-08-30", "today", 0),
    ("2025-08-29", "urgent", 1),
    ("2025-08-27", "urgent", 3),
    ("2025-08-26", "soon", 4),
    ("2025-08-16", "soon", 14),
    ("2025-08-15", "later", 15),
])
def test_urgency(today: str, urgency: str, days_left: int) -> None:
    item = deadlines(bank_statement_date="2025-07-01", today=today)["reg_e_60_days"]
    assert (item["urgency"], item["days_left"]) == (urgency, days_left)


def test_wire_days_left_counts_by_its_utc_date() -> None:
    item = deadlines(wire_sent_at="2025-07-03T23:00:00-04:00",
                     today="2025-07-06")["wire_kill_chain_72_hours"]
    assert (item["due"], item["days_left"], item["urgency"]) == ("2025-07-07T03:00:00Z", 1,
                                                                 "urgent")


def test_today_defaults_to_the_real_today() -> None:
    before = date.today()
    result = run("deadlines", {"bank_statement_date": "2025-07-01"})
    assert date.fromisoformat(result["today"]) in {before, date.today()}
    expected = (date(2025, 8, 30) - date.fromisoformat(result["today"])).days
    assert result["deadlines"][0]["days_left"] == expected


def test_no_dates_no_deadlines() -> None:
    result = run("deadlines", {})
    assert result["deadlines"] == [] and result["worksheet"] == []
    assert "no starting dates" in result["explanation"][0]


def test_worksheet_shows_each_count() -> None:
    result = run("deadlines", {"learned_of_loss": "2025-07-03", "wire_notice_date": "2025-03-10",
                               "today": "2025-07-05"})
    assert len(result["worksheet"]) == len(result["deadlines"])
    by_label = {row["label"].split(":")[0]: row for row in result["worksheet"]}
    row = by_label["Tell your bank that a card or login was lost or stolen"]
    assert row["amount"] == "2.00" and "2025-07-03" in row["label"] and "2025-07-08" in row["label"]
    assert "plus 1 year = 2026-03-10" in by_label["Last day to object to a wire"]["label"]
    assert all(re.fullmatch(r"\d+\.\d\d", row["amount"]) for row in result["worksheet"])


def test_explanation_is_plain_and_cautious() -> None:
    result = run("deadlines", EVERY_START)
    text = " ".join(result["explanation"])
    assert "Ask a lawyer; the exact start date can differ." in text
    assert "not legal advice" in text
    assert "1 of these dates has already passed" not in text
    assert grade_level(result["explanation"]) <= 8.0
    lawsuits = [item for item in result["deadlines"] if item["id"].startswith("lawsuit_")]
    assert lawsuits and all("exact start date can differ" in item["rule"] for item in lawsuits)


def test_explanation_counts_passed_deadlines() -> None:
    result = run("deadlines", {"bank_statement_date": "2025-01-01", "today": "2025-07-05"})
    assert result["explanation"][1].startswith("1 of these dates has already passed.")


@pytest.mark.parametrize(("payload", "field"), [
    ({"learned_of_loss": "2025-13-01"}, "learned_of_loss"),
    ({"learned_of_loss": 20250703}, "learned_of_loss"),
    ({"bank_statement_date": "1999-12-31"}, "bank_statement_date"),
    ({"card_statement_date": "2101-01-01"}, "card_statement_date"),
    ({"wire_sent_at": "yesterday"}, "wire_sent_at"),
    ({"wire_sent_at": "1990-01-01T00:00:00Z"}, "wire_sent_at"),
    ({"today": ["2025-07-03"]}, "today"),
    ({"tax_paid_date": None}, "tax_paid_date"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_bad_input_names_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("deadlines", payload)
    assert field in caught.value.messages


def test_a_list_is_not_a_request() -> None:
    with pytest.raises(ValidationError) as caught:
        run("deadlines", ["2025-07-03"])  # type: ignore[arg-type]
    assert "_schema" in caught.value.messages


STAMP = datetime(2025, 7, 5, 12, tzinfo=UTC)


def calendar_events() -> tuple[list[dict[str, Any]], list[Any]]:
    """Return the deadlines for every start and the events of their calendar file."""
    items = run("deadlines", EVERY_START)["deadlines"]
    parsed = Calendar.from_ical(to_ics(items, calendar_id="c1", stamp=STAMP))
    return items, list(parsed.walk("VEVENT"))


def test_ics_has_one_event_per_deadline_with_an_alarm() -> None:
    items, events = calendar_events()
    assert [str(event["summary"]) for event in events] == [item["title"] for item in items]
    for item, event in zip(items, events, strict=True):
        assert item["action"] in str(event["description"])
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and alarms[0].decoded("trigger") == timedelta(days=-1)


def test_ics_all_day_events_and_a_timed_wire_event() -> None:
    items, events = calendar_events()
    for item, event in zip(items, events, strict=True):
        start = event.decoded("dtstart")
        if item["id"] == "wire_kill_chain_72_hours":
            assert start == datetime(2025, 7, 6, 14, tzinfo=UTC)
        else:
            assert not isinstance(start, datetime) and start.isoformat() == item["due"]
            assert event.decoded("dtend") == start + timedelta(days=1)


def test_ics_uids_are_stable_and_unique() -> None:
    items, events = calendar_events()
    uids = [str(event["uid"]) for event in events]
    assert len(set(uids)) == len(items)
    later = Calendar.from_ical(to_ics(items, calendar_id="c1"))
    assert [str(event["uid"]) for event in later.walk("VEVENT")] == uids
    other = Calendar.from_ical(to_ics(items, calendar_id="c2"))
    assert not set(uids) & {str(event["uid"]) for event in other.walk("VEVENT")}


def test_ics_is_reproducible_with_a_fixed_stamp() -> None:
    items = run("deadlines", EVERY_START)["deadlines"]
    first = to_ics(items, stamp=STAMP)
    assert first == to_ics(items, stamp=STAMP)
    assert first.startswith(b"BEGIN:VCALENDAR") and b"DTSTAMP:20250705T120000Z" in first


def test_ics_of_no_deadlines_is_an_empty_calendar() -> None:
    parsed = Calendar.from_ical(to_ics([], stamp=STAMP))
    assert parsed.walk("VEVENT") == []


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.text("0129-:.,TZabe eE", max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True), st.lists(st.integers(), max_size=2),
    st.sampled_from(["2025-07-03", "2000-01-01", "2100-12-31", "2025-02-29", "9999-12-31",
                     "2025-07-03T14:00:00Z", "2100-12-31T23:59:59-12:00", "T", "NaN"]),
)


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.dictionaries(st.sampled_from([*EVERY_START, "other"]), ODD_VALUES))
def test_odd_input_gives_a_result_or_a_validation_error(payload: dict[str, Any]) -> None:
    try:
        result = run("deadlines", payload)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert len(result["worksheet"]) == len(result["deadlines"]) and result["explanation"]


# Only the clocks for how the money was paid and what happened (review defect 1).

P1 = {"learned_of_loss": "2026-11-18", "wire_sent_at": "2026-11-20T15:00:00Z",
      "wire_notice_date": "2026-11-20", "heloc_statement_date": "2026-11-15",
      "today": "2026-11-21"}


def test_a_heloc_and_a_wire_start_no_regulation_e_clock() -> None:
    found = deadlines(**P1, payment_methods=["heloc", "wire"], situation="partner",
                      wire_international=True, wire_amount="250000.00")
    assert set(found) == {"heloc_reg_z_60_days", KILL_CHAIN_ID, "wire_report_90_days",
                          "wire_objection_1_year", "lawsuit_tila_1_year",
                          "lawsuit_fcra_2_years"}


def test_without_routes_every_clock_still_counts_as_the_contract_says() -> None:
    assert {"reg_e_2_business_days", "lawsuit_efta_1_year", KILL_CHAIN_ID} <= set(deadlines(**P1))


@pytest.mark.parametrize(("routes", "expected"), [
    (["debit_card"], {"reg_e_2_business_days", "lawsuit_efta_1_year"}),
    (["ach"], {"reg_e_2_business_days", "lawsuit_efta_1_year"}),
    (["savings"], set()),
    (["credit_card"], {"lawsuit_tila_1_year"}),
])
def test_the_day_you_learned_starts_only_the_clocks_of_your_routes(
        routes: list[str], expected: set[str]) -> None:
    found = deadlines(learned_of_loss="2026-11-18", payment_methods=routes,
                      situation="takeover", today="2026-11-19")
    assert set(found) == expected | {"lawsuit_fcra_2_years"}


@pytest.mark.parametrize("situation", ["misclick", "liquidation", "bad_trade"])
def test_your_own_trade_starts_no_lost_card_chargeback_or_lawsuit_clock(situation: str) -> None:
    found = deadlines(learned_of_loss="2026-11-18", card_processing_date="2026-11-10",
                      payment_methods=["debit_card"], situation=situation, today="2026-11-19")
    assert set(found) == set()


@pytest.mark.parametrize(("extra", "counted"), [
    ({"wire_international": False, "wire_amount": "250000.00"}, False),
    ({"wire_international": True, "wire_amount": "49999.99"}, False),
    ({"wire_international": True, "wire_amount": "50000.00"}, True),
    ({"wire_international": True}, True),
    ({}, True),
])
def test_the_kill_chain_clock_needs_a_wire_abroad_of_50000_dollars(
        extra: dict[str, Any], counted: bool) -> None:
    found = deadlines(wire_sent_at="2026-11-20T15:00:00Z", payment_methods=["wire"],
                      today="2026-11-21", **extra)
    assert (KILL_CHAIN_ID in found) is counted


def test_a_wire_paid_by_nothing_else_leaves_a_wire_clock_out() -> None:
    assert deadlines(**P1, payment_methods=["heloc"]).keys().isdisjoint(
        {KILL_CHAIN_ID, "wire_report_90_days", "wire_objection_1_year"})


def test_dates_given_but_no_clock_fits_says_so() -> None:
    result = run("deadlines", {"learned_of_loss": "2026-11-18", "payment_methods": ["savings"],
                               "situation": "misclick", "today": "2026-11-19"})
    assert result["deadlines"] == []
    assert "None of the clocks we know of" in result["explanation"][0]
    assert grade_level(result["explanation"]) <= 8.0


@pytest.mark.parametrize(("payload", "field"), [
    ({"payment_methods": ["cash"]}, "payment_methods"),
    ({"payment_methods": "wire"}, "payment_methods"),
    ({"situation": "bad luck"}, "situation"),
    ({"wire_international": "abroad"}, "wire_international"),
    ({"wire_amount": "-5"}, "wire_amount"),
])
def test_bad_routes_and_situations_name_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("deadlines", payload)
    assert field in caught.value.messages


# Dates as people write them, and kind words once a date has passed.

KILL_CHAIN_ID = "wire_kill_chain_72_hours"


def test_due_text_spells_the_date_and_the_time_out() -> None:
    found = deadlines(**P1)
    assert found[KILL_CHAIN_ID]["due_text"] == "November 23, 2026 at 3:00 PM UTC"
    assert found["wire_report_90_days"]["due_text"] == "February 18, 2027"
    morning = deadlines(wire_sent_at="2026-11-20T00:05:00Z")[KILL_CHAIN_ID]
    assert morning["due_text"] == "November 23, 2026 at 12:05 AM UTC"


def test_explanation_spells_dates_out() -> None:
    text = " ".join(run("deadlines", P1)["explanation"])
    assert "as of November 21, 2026" in text and not re.search(r"\d{4}-\d\d-\d\d", text)


def test_a_passed_deadline_says_what_can_still_be_done() -> None:
    found = deadlines(**{**P1, "today": "2027-06-01"})
    gone = found["reg_e_2_business_days"]
    assert gone["passed"] and gone["urgency"] == "overdue"
    assert gone["action"].startswith("The 2 days have passed, but tell your bank today.")
    assert not found["lawsuit_fcra_2_years"]["passed"]
    assert found["lawsuit_fcra_2_years"]["action"].startswith("If you are thinking")


def test_every_late_text_is_plain() -> None:
    everything = run("deadlines", {**EVERY_START, "today": "2099-01-01"})["deadlines"]
    assert len(everything) == 13 and all(item["passed"] for item in everything)
    assert grade_level([item["action"] for item in everything]) <= 8.0


def test_ics_sets_no_alarm_in_the_past() -> None:
    items = run("deadlines", {**P1, "today": "2026-11-23"})["deadlines"]
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    events = {str(event["uid"]).split("-", 1)[1].removesuffix("@bearings"): event
              for event in Calendar.from_ical(to_ics(items, calendar_id="c", stamp=stamp))
              .walk("VEVENT")}
    gone = events["reg_e_2_business_days"]
    assert gone.walk("VALARM") == [] and str(gone["summary"]).startswith("Date passed: ")
    assert "tell your bank today" in str(gone["description"])
    soon = events[KILL_CHAIN_ID]  # 3:00 PM today: the day-before moment is gone
    assert [alarm.decoded("trigger") for alarm in soon.walk("VALARM")] == [timedelta(0)]
    later = events["wire_report_90_days"]
    assert [alarm.decoded("trigger") for alarm in later.walk("VALARM")] == [timedelta(days=-1)]
    for event in events.values():
        start = event.decoded("dtstart")
        if not isinstance(start, datetime):
            start = datetime.combine(start, datetime.min.time(), UTC)
        for alarm in event.walk("VALARM"):
            assert start + alarm.decoded("trigger") >= stamp
