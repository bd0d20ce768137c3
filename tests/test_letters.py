"""Letters: registry, validation, every type in every format, and hostile input."""

from __future__ import annotations

import html
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from pypdf import PdfReader

from service import letters
from service.letters import _context as ctx
from service.letters._markup import parse, timed
from service.letters._spec import TEXT_MAX
from service.letters._vocabulary import VOCABULARY, spec

GOLDEN = Path(__file__).parent / "golden" / "letters"
TODAY = date(2025, 7, 10)
TYPES = [letter.id for letter in letters.letter_types()]
FORMATS = ("pdf", "docx", "txt", "html")
STEP_TYPES = {"text", "textarea", "email", "choice", "multichoice", "boolean", "money", "decimal",
              "integer", "date", "datetime", "file", "acknowledge"}
FREE_TEXT = {"text", "textarea", "lines", "items"}
#: Line answers whose leading date or time the letters write out ("July 2, 2025 at 9:02 PM UTC").
TIMED_LINES = {"unauthorized_logins", "account_changes", "earlier_reports", "notices_sent"}


def fixture(type_id: str) -> dict[str, Any]:
    """Return the golden input of a letter type."""
    data: dict[str, Any] = json.loads((GOLDEN / f"{type_id}.json").read_text("utf-8"))
    return data


def text_of(content: bytes, fmt: str) -> str:
    """Return the readable text of a rendered document."""
    if fmt == "pdf":
        pages = (page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        return re.sub(r"Page \d+ of \d+\s*$", "", "\n".join(pages), flags=re.M)
    if fmt == "docx":
        xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")
        xml = xml.replace("<w:br/>", "\n").replace("</w:p>", "\n")
        return html.unescape(re.sub(r"<[^>]+>", "", xml))
    if fmt == "html":
        body = content.decode("utf-8").split("<body>", 1)[1]
        return html.unescape(re.sub(r"<[^>]+>", " ", body))
    return content.decode("utf-8")


def squeeze(text: str) -> str:
    """Return text composed (NFC) with all whitespace removed, so wrapped lines compare."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _money(value: Decimal) -> str:
    """Format money as the letters do."""
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def _shown(value: Any) -> list[str]:
    """Return how a loaded value is printed in a letter."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, datetime):
        hour = f"{value.hour % 12 or 12}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
        return [f"{value:%B} {value.day}, {value.year} at {hour} UTC"]
    if isinstance(value, date):
        return [f"{value:%B} {value.day}, {value.year}"]
    if isinstance(value, Decimal):
        return [_money(value)]
    if isinstance(value, dict):
        return [shown for cell in value.values() for shown in _shown(cell)]
    if isinstance(value, list):
        return [shown for item in value for shown in _shown(item)]
    return [line for line in str(value).split("\n") if line]


def printed(type_id: str, data: dict[str, Any]) -> list[str]:
    """Return every answer of ``data`` as the letter must print it (choices excepted)."""
    letter = letters.get(type_id)
    loaded = letter.load(data)
    out: list[str] = []
    for name in letter.names:
        kind = spec(name).kind
        if kind in ("choice", "multichoice", "boolean") or name not in loaded:
            continue
        value = loaded[name]
        if name in TIMED_LINES:
            value = [timed(line) for line in value]
        if kind == "items":
            value = [{key: _quantity_or(cell, spec(name), key) for key, cell in item.items()}
                     for item in value]
        out.extend(_shown(value))
    return out


def _quantity_or(cell: Any, field: Any, key: str) -> Any:
    """Return a quantity cell as its plain text (not as money)."""
    column = next(column for column in field.columns if column.name == key)
    if isinstance(cell, Decimal) and type(column.field).__name__ == "Quantity":
        text = format(cell, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return cell


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], letters.Rendered]:
    """Render every fixture in every format once."""
    return {(type_id, fmt): letters.render(type_id, fixture(type_id), fmt, today=TODAY)
            for type_id in TYPES for fmt in FORMATS}


def test_every_letter_of_the_domain_is_served() -> None:
    assert set(TYPES) == {
        "exchange-support-ticket", "trade-ledger-request", "error-trade-claim",
        "compliance-complaint", "security-review", "reg-e-error-notice", "billing-error-notice",
        "wire-recall", "ach-unauthorized-debit", "heloc-suspension", "credit-bureau-freeze",
        "police-ic3-report", "cfpb-complaint", "attorney-intake", "cpa-intake",
        "family-investment-policy"}
    assert len(TYPES) == len(set(TYPES))


def test_describe_uses_the_step_field_format() -> None:
    described = letters.describe()
    assert [entry["type"] for entry in described] == TYPES
    for entry in described:
        assert entry["title"] and entry["purpose"].endswith(".")
        assert any(field["required"] for field in entry["fields"])
        for field in entry["fields"]:
            assert {"name", "type", "label", "required", "help"} <= set(field)
            assert set(field) <= {"name", "type", "label", "required", "help", "choices", "min",
                                  "max", "max_length", "pattern"}
            assert field["type"] in STEP_TYPES
            if field["type"] in ("choice", "multichoice"):
                assert all({"value", "label"} == set(choice) for choice in field["choices"])


def test_a_field_is_described_the_same_in_every_letter() -> None:
    seen: dict[str, dict[str, Any]] = {}
    for entry in letters.describe():
        for field in entry["fields"]:
            shape = {key: value for key, value in field.items() if key != "required"}
            assert seen.setdefault(field["name"], shape) == shape
    assert set(seen) <= set(VOCABULARY)


def test_bureau_letter_offers_every_bureau() -> None:
    field = next(field for field in letters.get("credit-bureau-freeze").fields()
                 if field["name"] == "bureau")
    assert [choice["value"] for choice in field["choices"]] == [
        "equifax", "experian", "transunion", "chexsystems"]


@pytest.mark.parametrize("type_id", TYPES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_type_renders_in_every_format(rendered: dict[tuple[str, str], Any], type_id: str,
                                            fmt: str) -> None:
    result = rendered[type_id, fmt]
    assert result.filename == f"{type_id}-2025-07-10.{fmt}"
    assert result.mimetype.startswith({"pdf": "application/pdf", "txt": "text/plain",
                                       "html": "text/html", "docx": "application/vnd"}[fmt])
    text = squeeze(text_of(result.content, fmt))
    for value in printed(type_id, fixture(type_id)):
        assert squeeze(value) in text, f"{value!r} missing from the {fmt}"


@pytest.mark.parametrize("type_id", TYPES)
def test_letters_carry_the_parts_every_letter_needs(rendered: dict[tuple[str, str], Any],
                                                    type_id: str) -> None:
    text = rendered[type_id, "txt"].content.decode("utf-8")
    assert all(len(line) <= 78 for line in text.splitlines())
    text = " ".join(text.split())
    data = fixture(type_id)
    assert "July 10, 2025" in text
    assert "_" * 36 in text  # signature line
    assert "not legal or tax advice" in text
    assert "certified mail" in text or "ticket" in text or "copy" in text
    name = data.get("full_name") or data["household_signers"].split("\n")[0]
    assert name in text
    assert "{{" not in text and "{%" not in text


CITATIONS = {
    "reg-e-error-notice": ["12 CFR 1005.6", "12 CFR 1005.11", "comment 2(m)-2"],
    "billing-error-notice": ["12 CFR 1026.13", "12 CFR 1026.12(b)"],
    "wire-recall": ["UCC 4A-204", "UCC 4A-505", "Financial Fraud Kill Chain"],
    "ach-unauthorized-debit": ["Nacha", "60 calendar days"],
    "credit-bureau-freeze": ["15 U.S.C. 1681c-1", "P.O. Box 105788", "Atlanta, GA 30348-5788"],
    "trade-ledger-request": ["23 NYCRR 200.12"],
    "heloc-suspension": ["12 CFR 1026.40(f)(3)"],
    "error-trade-claim": ["error-trade or trade-review policy"],
    "compliance-complaint": ["Consumer Financial Protection Bureau"],
    "cfpb-complaint": ["15 days", "60 days"],
    "police-ic3-report": ["ic3.gov"],
    "attorney-intake": ["community-property", "Electronic Fund Transfer Act"],
    "cpa-intake": ["Form 8949", "Schedule D"],
    "family-investment-policy": ["No leverage", "No short selling", "72 hours"],
}


@pytest.mark.parametrize("type_id", sorted(CITATIONS))
def test_letters_cite_their_rules(rendered: dict[tuple[str, str], Any], type_id: str) -> None:
    text = " ".join(rendered[type_id, "txt"].content.decode("utf-8").split())
    for citation in CITATIONS[type_id]:
        assert citation in text


def _allowed_dates(type_id: str, data: dict[str, Any]) -> set[str]:
    """Return every date a letter may print: its answers, today and what its rules compute."""
    letter = letters.get(type_id)
    loaded = letter.load(data)
    values: list[Any] = [TODAY, *loaded.values(), *letter.context(loaded, TODAY).values()]
    flat: list[Any] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            flat.extend(item.values() if isinstance(item, dict) else [item])
    days = [value.date() if isinstance(value, datetime) else value for value in flat
            if isinstance(value, date)]  # a time is written "July 7, 2025 at 3:30 PM UTC"
    return {shown for value in days for shown in _shown(value)}


DATE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December) \d{1,2}, \d{4}")
MONEY = re.compile(r"-?\$[\d,]+\.\d\d")


@pytest.mark.parametrize("type_id", TYPES)
def test_every_figure_and_date_comes_from_the_input(rendered: dict[tuple[str, str], Any],
                                                    type_id: str) -> None:
    text = " ".join(rendered[type_id, "txt"].content.decode("utf-8").split())
    data = fixture(type_id)
    amounts = set(printed(type_id, data))
    context = letters.get(type_id).context(letters.get(type_id).load(data), TODAY)
    amounts.update(_money(value) for value in context.values() if isinstance(value, Decimal))
    assert set(MONEY.findall(text)) <= amounts
    assert set(DATE.findall(text)) <= _allowed_dates(type_id, data)


def test_reg_e_reply_by_counts_ten_business_days() -> None:
    text = letters.render("reg-e-error-notice", fixture("reg-e-error-notice"), "txt",
                          today=date(2025, 6, 30)).content.decode("utf-8")
    # July 4 is a holiday: ten business days after June 30 is July 15.
    assert "Reply requested by: July 15, 2025" in text


def test_reg_z_dates_are_30_and_90_days() -> None:
    text = letters.render("billing-error-notice", fixture("billing-error-notice"), "txt",
                          today=TODAY).content.decode("utf-8")
    assert "Acknowledgment requested by: August 9, 2025" in text
    assert "Resolution requested by: October 8, 2025" in text


def test_reg_e_revokes_a_shared_access_persons_authority() -> None:
    data = fixture("reg-e-error-notice")
    text = " ".join(letters.render("reg-e-error-notice", data, "txt", today=TODAY)
                    .content.decode("utf-8").split())
    assert f"I revoke any authority I gave {data['shared_access_person']}" in text
    del data["shared_access_person"]
    text = letters.render("reg-e-error-notice", data, "txt", today=TODAY).content.decode()
    assert "revoke" not in text


def test_reg_e_never_covers_an_exchange_wallet() -> None:
    data = {**fixture("reg-e-error-notice"), "bank_account_type": "exchange_wallet"}
    with pytest.raises(ValidationError) as caught:
        letters.render("reg-e-error-notice", data, "txt", today=TODAY)
    assert list(caught.value.messages) == ["bank_account_type"]


@pytest.mark.parametrize("bureau", ["transunion", "chexsystems"])
def test_bureaus_without_a_known_address_say_to_check_the_site(bureau: str) -> None:
    data = {**fixture("credit-bureau-freeze"), "bureau": bureau, "bureau_request": "freeze"}
    text = letters.render("credit-bureau-freeze", data, "txt", today=TODAY).content.decode()
    assert "Check the bureau's own website" in text
    assert "P.O. Box" not in text


def test_bureau_letter_leaves_ssn_and_birth_date_to_write_by_hand() -> None:
    text = letters.render("credit-bureau-freeze-experian", fixture("credit-bureau-freeze"),
                          "txt", today=TODAY).content.decode()
    assert "Social Security number: ____" in text and "Date of birth: ____" in text
    assert "P.O. Box 9554" in text and "Allen, TX 75013" in text


def test_chexsystems_takes_only_a_freeze() -> None:
    data = {**fixture("credit-bureau-freeze"), "bureau": "chexsystems",
            "bureau_request": "initial_alert"}
    with pytest.raises(ValidationError) as caught:
        letters.render("credit-bureau-freeze", data, "txt", today=TODAY)
    assert list(caught.value.messages) == ["bureau_request"]


def _transfer(number: int) -> str:
    """Return one crypto transfer line."""
    return f"2025-07-02T21:{number:02d}:00Z; USDT; {number}; {number}.00; Ethereum; 0xhash{number}"


def test_ic3_draft_keeps_to_the_form_limits() -> None:
    data = {**fixture("police-ic3-report"), "incident_summary": "word " * 900,
            "crypto_transfers": "\n".join(_transfer(number) for number in range(1, 13))}
    raw = letters.render("police-ic3-report", data, "txt", today=TODAY).content.decode()
    text = " ".join(raw.split())
    assert "takes at most 10 transactions" in text and "the other 2" in text
    assert "at most 3,500 characters, and this one has 4,499" in text
    assert "Attachment A: full description" in text
    form_part = raw.split("Attachment A")[0].split("Description\n-----------\n")[1]
    assert form_part.count("word") <= 3500 // 5 + 1
    form, attachment = text.split("Attachment B: further transactions")
    assert "0xhash10" in form and "0xhash11" not in form
    assert "0xhash11" in attachment and "0xhash12" in attachment


def test_ic3_draft_within_the_limits_has_no_attachments() -> None:
    text = letters.render("police-ic3-report", fixture("police-ic3-report"), "txt",
                          today=TODAY).content.decode()
    assert "Attachment A" not in text and "Attachment B" not in text
    assert ctx.IC3_MAX_TRANSACTIONS == 10 and ctx.IC3_MAX_CHARS == 3500


def test_wire_recall_asks_for_the_kill_chain_only_when_it_can_apply() -> None:
    data = fixture("wire-recall")
    text = letters.render("wire-recall", data, "txt", today=TODAY).content.decode()
    assert "Financial Fraud Kill Chain" in " ".join(text.split())
    assert "July 10, 2025 at 3:30 PM UTC" in " ".join(text.split())
    domestic = {**data, "wire_international": False}
    text = letters.render("wire-recall", domestic, "txt", today=TODAY).content.decode()
    assert "Kill Chain" not in text.split("The rules this notice")[0]


def test_family_policy_states_every_guardrail() -> None:
    text = " ".join(letters.render("family-investment-policy", fixture(
        "family-investment-policy"), "txt", today=TODAY).content.decode().split())
    for phrase in ("No leverage", "No short selling", "$2,000.00", "$10,000.00", "$5,000.00",
                   "any draw on a home equity line", "72 hours", "$30,000.00"):
        assert phrase in text
    assert text.count("____________________________________") == 2


@pytest.mark.parametrize("type_id", TYPES)
def test_missing_answers_are_each_named(type_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        letters.render(type_id, {}, "pdf", today=TODAY)
    assert set(caught.value.messages) == set(letters.get(type_id).required)


def test_invalid_answers_are_each_named() -> None:
    data = {**fixture("reg-e-error-notice"), "email": "not-an-e-mail", "account_last4": "12345",
            "learned_of_loss": "07/03/2025",
            "bank_transfers": "2025-07-01; 12000.00; wire\n2025-13-01; twelve; wire"}
    with pytest.raises(ValidationError) as caught:
        letters.render("reg-e-error-notice", data, "txt", today=TODAY)
    messages = caught.value.messages
    assert set(messages) == {"email", "account_last4", "learned_of_loss", "bank_transfers"}
    assert messages["bank_transfers"] == ["Line 2: Date: Not a valid date."]


def test_conditional_answers_are_named_with_the_others() -> None:
    with pytest.raises(ValidationError) as caught:
        letters.render("billing-error-notice", {"credit_account_type": "heloc"}, "txt")
    assert {"heloc_lender", "loan_number_last4", "heloc_statement_date",
            "full_name"} <= set(caught.value.messages)


def test_ranges_must_run_forwards() -> None:
    data = {**fixture("trade-ledger-request"), "records_from": "2025-08-01"}
    with pytest.raises(ValidationError) as caught:
        letters.render("trade-ledger-request", data, "txt")
    assert list(caught.value.messages) == ["records_to"]


def test_unknown_type_and_format() -> None:
    with pytest.raises(letters.UnknownLetter):
        letters.render("love-letter", {}, "pdf")
    with pytest.raises(letters.UnknownLetter):
        letters.get("credit-bureau-freeze-innovis")
    with pytest.raises(ValidationError) as caught:
        letters.render("wire-recall", fixture("wire-recall"), "rtf")
    assert list(caught.value.messages) == ["format"]
    with pytest.raises(ValidationError):
        letters.render("wire-recall", ["not", "an", "object"], "txt")  # type: ignore[arg-type]


def test_documents_for_lists_what_is_missing_and_never_invents() -> None:
    facts = {"full_name": "Ada", "mailing_address": "1 Main St", "bureau_request": "freeze"}
    found = letters.documents_for(facts, {}, ["reg-e-error-notice", "credit-bureau-freeze"])
    reg_e = found[0]
    assert reg_e["id"] == "reg-e-error-notice" and reg_e["ready"] is False
    assert reg_e["missing"] == ["bank_name", "account_last4", "bank_account_type",
                                "learned_of_loss", "bank_transfers", "error_reason"]
    assert reg_e["formats"] == ["pdf", "docx", "txt", "html"]
    bureaus = [entry["id"] for entry in found[1:]]
    assert bureaus == [f"credit-bureau-freeze-{name}" for name in
                       ("equifax", "experian", "transunion", "chexsystems")]
    assert all(entry["ready"] and entry["missing"] == [] for entry in found[1:])


def test_documents_for_takes_figures_from_calculator_results() -> None:
    facts = {key: value for key, value in fixture("cpa-intake").items()
             if not key.startswith(("capital_loss", "carryover"))}
    results = {"capital-loss": {"deduction": "3000.00",
                                "carryover": {"short_term": "17000.00", "long_term": "0.00"}}}
    assert letters.documents_for(facts, results, ["cpa-intake"])[0]["ready"]
    text = letters.render("cpa-intake", facts, "txt", today=TODAY,
                          results=results).content.decode()
    assert "Short-term carryover to next year: $17,000.00" in text


def test_readiness_is_remembered_by_digest_and_follows_every_change() -> None:
    from service.letters import _render

    facts = {"full_name": "Canary Zebra", "mailing_address": "1 Main St"}
    first = letters.documents_for(facts, {}, ["reg-e-error-notice"])
    assert letters.documents_for(facts, {}, ["reg-e-error-notice"]) == first
    assert not any(b"Canary" in key for key in _render._readiness)
    facts["bank_name"] = "First Bank"
    after = letters.documents_for(facts, {}, ["reg-e-error-notice"])[0]["missing"]
    assert "bank_name" not in after and after == first[0]["missing"][1:]
    facts["bank_name"] = "x" * 10000  # now invalid: named again
    assert "bank_name" in letters.documents_for(facts, {}, ["reg-e-error-notice"])[0]["missing"]
    _render._readiness.clear()
    assert letters.documents_for({**facts, "bank_name": "First Bank"}, {},
                                 ["reg-e-error-notice"])[0]["missing"] == after


def test_markup_cannot_come_from_an_answer() -> None:
    data = {**fixture("exchange-support-ticket"),
            "incident_summary": "# Title?\n## Heading?\n- item?\n| kept?\n= signed?\n? blank?"}
    _, _, blocks = letters._render.compose("exchange-support-ticket", data, TODAY)
    kinds = [block.kind for block in blocks]
    assert kinds.count("title") == 1 and kinds.count("sign") == 1
    assert parse("plain") == parse("plain\n\n")


ADVERSARIAL = {
    "template": "{{7*7}} {% raw %}{{ x }}{% endraw %} {#n#} ${x}",
    "html": "<script>alert('x')</script> & \"q\" <b>",
    "long": "A" * 5000,
    "hash": ("0x" + "9f" * 2499),
    "rtl": "שלום עליכם مرحبا بالعالم",
    "emoji": "💸🚨👨‍👩‍👧 ok",
    "combining": "Nguye\u0302\u0303n Wałe\u0328sa",
}


def _hostile(type_id: str, value: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the fixture with ``value`` in every free-text answer, tagged with the field name.

    A value is cut to the field's maximum length (a phone number takes 40 characters), so a
    5,000-character string fills every field that takes one.
    """
    data = fixture(type_id)
    expected: dict[str, str] = {}
    for name in letters.get(type_id).names:
        field = spec(name)
        if field.kind not in FREE_TEXT or field.pattern or name not in data:
            continue
        tag = f" [{name}]"
        limit = field.max_length or (TEXT_MAX if field.kind == "items" else len(value) + len(tag))
        tagged = value[:limit - len(tag)] + tag
        if field.kind == "items":
            data[name] = fixture_line(name, tagged)
        elif field.kind == "lines":
            data[name] = f"{tagged}\n{data[name]}"
        else:
            data[name] = tagged
        expected[name] = tagged
    return data, expected


def fixture_line(name: str, text: str) -> str:
    """Return one valid line of a list answer with ``text`` in its text parts."""
    parts = {"date": "2025-07-01", "datetime": "2025-07-01T10:00:00Z", "money": "10.00",
             "quantity": "1", "when": "2025-07-01"}
    columns = spec(name).columns
    kinds = [VOCAB_KIND[type(column.field).__name__] for column in columns]
    return "; ".join(parts.get(kind, text) for kind in kinds)


VOCAB_KIND = {"Date": "date", "UtcDateTime": "datetime", "Money": "money",
              "Quantity": "quantity", "When": "when", "Text": "text"}


@pytest.mark.parametrize("type_id", TYPES)
@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_hostile_answers_come_out_literally(type_id: str, case: str) -> None:
    data, expected = _hostile(type_id, ADVERSARIAL[case])
    for fmt in FORMATS:
        content = letters.render(type_id, data, fmt, today=TODAY).content
        if fmt == "html":
            assert "<script" not in content.decode("utf-8")
        if fmt == "pdf" and case in ("rtl", "emoji"):
            continue  # drawn in display order / as a missing-glyph sign; must not raise
        text = squeeze(text_of(content, fmt))
        for name, value in expected.items():
            assert squeeze(value) in text, f"{name} in {fmt}"


def test_emoji_and_rtl_still_draw_the_rest_in_pdf() -> None:
    data = {**fixture("reg-e-error-notice"), "full_name": "Dana 💸 Levi לוי"}
    text = text_of(letters.render("reg-e-error-notice", data, "pdf").content, "pdf")
    assert "Dana" in text and "Levi" in text and "\ufffd" in text


def test_cpa_intake_cites_the_theft_loss_advice_for_a_scam() -> None:
    data = {**fixture("cpa-intake"), "loss_kind": "scam", "profit_motive": True,
            "recovery_prospect": "none"}
    text = " ".join(letters.render("cpa-intake", data, "txt", today=TODAY)
                    .content.decode().split())
    assert "Chief Counsel Advice 202511015" in text and "Form 4684" in text
    assert "Entered to make a profit: yes" in text
    assert "Chance of getting money back: No reasonable prospect" in text


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(type_id=st.sampled_from(TYPES), field=st.sampled_from(sorted(VOCABULARY)),
       value=JSON_VALUES)
def test_any_answer_renders_or_is_refused_by_name(type_id: str, field: str, value: Any) -> None:
    data = {**fixture(type_id), field: value}
    try:
        letters.render(type_id, data, "txt", today=TODAY)
    except ValidationError as exc:
        assert set(exc.messages) <= set(letters.get(type_id).names)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                    min_size=1, max_size=12).filter(str.strip),
       accented=st.text(st.characters(min_codepoint=0xC0, max_codepoint=0x24F,
                                      categories=("Lu", "Ll")), min_size=1, max_size=8))
def test_any_name_renders_to_a_pdf_with_its_letters_in_it(name: str, accented: str) -> None:
    """Every letter's fonts are cut to what it draws: nothing it draws may fall outside."""
    data = {**fixture("error-trade-claim"), "full_name": f"{name} {accented}"}
    try:
        content = letters.render("error-trade-claim", data, "pdf", today=TODAY).content
    except ValidationError as exc:
        assert set(exc.messages) == {"full_name"}
        return
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert unicodedata.normalize("NFC", accented) in unicodedata.normalize("NFC", text)
