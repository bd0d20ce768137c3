"""The flow's advice fits the person: their payment routes, their situation, plain dates.

Each test renders a state's text, as the engine does, from a person's answers and the results
the flow's own calculator mapping computes from them (the deadline clock fixed at a day).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from marshmallow import ValidationError

from service import load_engines
from service.calculators import run
from service.engine.inputs import resolve
from service.engine.render import TextRenderer

ENGINE = load_engines()["crypto-loss-recovery"]
FLOW = ENGINE.flow
TODAY = "2026-11-21"
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")

#: The reviewer's first person: her husband drew on the home equity line and wired it, in the
#: country, to an exchange; she found out on November 18.
DANA = {
    "situation": "partner", "funding": ["heloc", "wire"], "goal": "full_plan",
    "wire_sent_at": "2026-11-20T15:00:00Z", "wire_amount": "250000.00",
    "wire_international": False, "wire_unauthorized": True, "wire_notice_date": "2026-11-20",
    "learned_of_loss": "2026-11-18", "heloc_statement_date": "2026-11-15",
    "shared_finances": True, "money_now": ["lost_in_trades"],
    "deposit_source_1": "heloc", "deposit_amount_1": "250000.00",
    "deposit_source_2": "savings", "deposit_amount_2": "12000.00",
    "amount_withdrawn": "2000.00", "balance_left": "500.00",
}


def results(answers: dict[str, Any], today: str = TODAY) -> dict[str, Any]:
    """Return what each of the flow's calculators gives for ``answers``."""
    found = {}
    for name, spec in FLOW.calculators.items():
        payload = resolve(spec, answers)
        if name == "deadlines":
            payload["today"] = today
        try:
            found[name] = run(name, payload)
        except ValidationError:
            continue
    return found


def text(state: str, answers: dict[str, Any], today: str = TODAY) -> str:
    """Return the state's text rendered for ``answers``."""
    context = {"answers": answers, "results": results(answers, today), "flow": FLOW.title}
    return TextRenderer().render(FLOW.states[state].text, context)[0]


def flat(shown: str) -> str:
    """Return text with each run of spaces and line breaks as one space."""
    return " ".join(shown.split())


def section(plan: str, heading: str) -> str:
    """Return one ``### heading`` section of the plan."""
    return plan.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]


# Defect 1: only the clocks for the routes used, one list everywhere, no SWIFT for a home wire.

def test_a_heloc_and_a_home_wire_get_no_regulation_e_or_kill_chain_clock() -> None:
    ids = {item["id"] for item in results(DANA)["deadlines"]["deadlines"]}
    assert ids == {"heloc_reg_z_60_days", "wire_report_90_days", "wire_objection_1_year",
                   "lawsuit_tila_1_year", "lawsuit_fcra_2_years"}


@pytest.mark.parametrize("today", [TODAY, "2027-03-01"])
def test_the_plan_lists_exactly_the_deadlines_the_results_hold(today: str) -> None:
    deadlines = results(DANA, today)["deadlines"]["deadlines"]
    listed = re.findall(r"^- \*\*(.+?):\*\*", section(text("done", DANA, today), "Deadlines"),
                        re.MULTILINE)
    assert listed == [item["title"] for item in deadlines]


def test_a_passed_date_in_the_plan_says_what_can_still_be_done() -> None:
    deadlines = section(text("done", DANA, "2027-03-01"), "Deadlines")
    assert ("**Report an unauthorized wire to your bank:** February 18, 2027. The 90 days have "
            "passed, so you may lose interest on a refund.") in deadlines


def test_a_home_wire_is_recalled_through_the_bank_without_swift_or_kill_chain() -> None:
    secure, plan = flat(text("secure", DANA)), flat(text("done", DANA))
    for shown in (secure, plan):
        assert "SWIFT" not in shown and "Kill Chain" not in shown
    assert "**Your wire:** ask your bank to recall it today" in secure
    assert "**Recall the wire.** Call your bank's fraud line and ask for a recall today." in plan


def test_a_wire_abroad_of_60000_dollars_keeps_its_kill_chain_window() -> None:
    abroad = {**DANA, "wire_international": True}
    assert ("the 72-hour window for the FBI's help ends on November 23, 2026 at 3:00 PM UTC"
            in flat(text("secure", abroad)))
    assert "about the FBI's Kill Chain before November 23, 2026 at 3:00 PM UTC" in flat(
        text("done", abroad))


@pytest.mark.parametrize(("funding", "shown"), [(["debit_card"], True), (["wire"], False)])
def test_the_bank_step_names_the_two_day_clock_only_for_a_debit_card_or_ach(
        funding: list[str], shown: bool) -> None:
    answers = {"situation": "takeover", "funding": funding, "learned_of_loss": "2026-11-20"}
    bank = flat(text("bank_dispute", answers))
    assert ("tell your bank by **November 24, 2026**" in bank) is shown


def test_the_bank_step_is_kind_once_the_two_days_have_passed() -> None:
    answers = {"situation": "takeover", "funding": ["ach"], "learned_of_loss": "2026-11-02"}
    bank = flat(text("bank_dispute", answers))
    assert "**Tell your bank today.**" in bank and "Clock" not in bank


# Defect 2: trading-loss words only for trading losses.

@pytest.mark.parametrize(("situation", "trading"), [
    ("misclick", True), ("liquidation", True), ("bad_trade", True), ("partner", True),
    ("takeover", False), ("scam", False)])
def test_the_trading_loss_words_are_only_for_a_trading_loss(situation: str,
                                                            trading: bool) -> None:
    answers = {**DANA, "situation": situation}
    positions, plan = flat(text("positions", answers)), text("done", answers)
    assert ("most trading losses are final" in positions) is trading
    assert ("**Spot** buying" in positions) is trading
    assert ("Most trading losses are final." in section(plan, "Keep in mind")) is trading


def test_a_takeover_and_a_scam_get_words_for_their_case() -> None:
    assert "stolen crypto is hard to get back" in flat(text("positions",
                                                            {"situation": "takeover"}))
    assert "money sent to a scam rarely comes back" in flat(text("positions",
                                                                {"situation": "scam"}))


# Defect 3: where the loss came from, in one sentence; the whole borrowed sum is owed.

def test_the_loss_by_source_reads_as_one_sentence_and_the_whole_draw_is_owed() -> None:
    positions = flat(text("positions", DANA))
    assert ("Of that, $247,614.50 came from the home equity line and $11,885.50 came from "
            "savings.") in positions
    assert ("You borrowed $250,000, and all of it still has to be paid back, whatever "
            "happened to the money.") in positions
    assert "of the loss was borrowed money" not in positions


def test_one_source_carries_all_of_the_loss() -> None:
    answers = {"deposit_source_1": "savings", "deposit_amount_1": "1000.00"}
    positions = flat(text("positions", answers))
    assert "All of it came from savings." in positions and "borrowed" not in positions


# Defect 4: no emergency fund of $0 to $0.

def test_living_costs_of_zero_give_no_emergency_fund_of_0_to_0() -> None:
    answers = {"debt_1_name": "HELOC", "debt_1_balance": "250000.00", "debt_1_rate": "8.5",
               "debt_1_minimum": "1800.00", "monthly_budget": "2500.00",
               "monthly_expenses": "0.00"}
    plan = flat(text("debt_plan", answers))
    assert "$0 to $0" not in plan and "Build an **emergency fund** in a separate account" in plan


# Defect 5: dates as people write them.

@pytest.mark.parametrize("state", ["secure", "bank_dispute", "legal", "done"])
@pytest.mark.parametrize("today", [TODAY, "2027-03-01"])
def test_no_iso_dates_in_the_advice(state: str, today: str) -> None:
    for answers in (DANA, {**DANA, "wire_international": True, "funding": ["ach", "wire"],
                           "situation": "takeover", "tax_return_filed_date": "2026-04-10"}):
        assert not ISO_DAY.search(text(state, answers, today)), state


# The family policy in the plan: the rules the household agreed on, no others.

def test_the_plan_names_only_the_rules_agreed_on() -> None:
    plan = flat(text("done", {**DANA, "policy_rules": ["no_leverage", "trade_cap",
                                                       "emergency_fund"]}))
    assert ("**Sign the family investment policy** together, with the rules you agreed on: "
            "no leverage, a cap per trade and an emergency fund.") in plan
    assert "no shorting" not in plan and "two signatures" not in plan


def test_the_plan_asks_for_rules_when_none_are_agreed_yet() -> None:
    plan = flat(text("done", DANA))
    assert ("**Sign the family investment policy** together once you agree on its rules, "
            "such as no leverage and a cap per trade.") in plan
