"""Letters' inner parts: line breaking, markup, list answers, fonts and data paths."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from marshmallow import ValidationError

from service import paths
from service.letters import _fonts, _pdf
from service.letters._markup import BREAK, CLOSE, OPEN, lines_of, parse, spans
from service.letters._vocabulary import spec
from service.letters._wrap import wrap


@pytest.mark.parametrize(("text", "width", "first", "lines"), [
    ("aaa bbb ccc ddd", 7, None, ["aaa bbb", "ccc ddd"]),
    ("x" * 20, 7, None, ["xxxxxxx", "xxxxxxx", "xxxxxx"]),
    ("ab " + "y" * 10, 7, 5, ["ab", "yyyyyyy", "yyy"]),
    ("a\n\nb  c", 7, None, ["a", "", "b  c"]),
    ("", 7, None, [""]),
])
def test_wrap_breaks_by_width_and_breaks_long_words(text: str, width: int, first: int | None,
                                                    lines: list[str]) -> None:
    assert wrap(len, text, width, first) == lines


def test_markup_keeps_answers_apart_from_template_text() -> None:
    text = f"Dear {OPEN}Ada{BREAK}Lovelace{CLOSE}, hello"
    assert spans(text) == [("Dear ", False), ("Ada\nLovelace", True), (", hello", False)]
    assert lines_of(text) == [[("Dear ", False), ("Ada", True)],
                              [("Lovelace", True), (", hello", False)]]
    blocks = parse(f"# Title\n: Label: {OPEN}a: b{CLOSE}\n- one\ncontinued\n\nplain\n= ")
    assert [(block.kind, block.label) for block in blocks] == [
        ("title", ""), ("field", "Label"), ("item", ""), ("para", ""), ("sign", "")]
    assert blocks[1].text == f"{OPEN}a: b{CLOSE}" and blocks[2].text == "one continued"


def test_list_answers_take_text_lines_or_json_lists() -> None:
    field = spec("bank_transfers").build(required=True)
    from_text = field.deserialize("2025-07-01; 1,200.50; ACH; rent; with a ; inside\n\n")
    from_json = field.deserialize([{"date": "2025-07-01", "amount": "1200.50", "type": "ACH",
                                    "description": "rent; with a ; inside"}])
    assert from_text == from_json == [{"date": date(2025, 7, 1), "amount": Decimal("1200.50"),
                                       "type": "ACH", "description": "rent; with a ; inside"}]
    with pytest.raises(ValidationError) as caught:
        field.deserialize("2025-07-01; 5.00\n2025-07-02; x; wire")
    assert caught.value.messages == ["Line 1: Type is missing.",
                                     "Line 2: Amount: Enter an amount such as 1234.56."]


def test_times_without_an_offset_are_utc() -> None:
    moment = spec("wire_sent_at").build(required=True).deserialize("2025-07-07T10:30:00-05:00")
    assert moment == datetime(2025, 7, 7, 15, 30, tzinfo=UTC)
    naive = spec("order_time").build(required=True).deserialize("2025-07-07T10:30:00")
    assert naive.tzinfo == UTC


def test_text_answers_lose_unprintable_characters() -> None:
    field = spec("full_name").build(required=True)
    assert field.deserialize(" Ada\x00\ue001 \ud800Lovelace\n ") == "Ada Lovelace"


def test_common_text_uses_the_small_font_cut_and_the_rest_the_full_fonts() -> None:
    latin = _pdf.LetterPDF("Title", date(2025, 7, 10), "Nguyễn Wałęsa Ørsted Ελένη Дарья")
    hebrew = _pdf.LetterPDF("Title", date(2025, 7, 10), "דנה לוי")
    small, full = (len(pdf.fonts["dejavu"].cmap) for pdf in (latin, hebrew))
    assert small < full and ord("ễ") in latin.fonts["dejavu"].cmap
    assert ord("ד") in hebrew.fonts["dejavu"].cmap
    assert _fonts.coverage(True) < _fonts.coverage(False)


@pytest.mark.skipif(_fonts.SHAPING, reason="with a text shaper every PDF takes the whole fonts")
def test_pdfs_share_a_kept_font_cut_and_come_out_the_same_without_it() -> None:
    assert _fonts.BASE <= _fonts.coverage(True)
    plain, named = _pdf.drawn([], "Dear bank"), _pdf.drawn([], "Dear bank, Nguyễn Wałęsa")
    assert _fonts.cut_for(plain) is _fonts.cut_for(set(map(ord, "Hello")))
    cut = _fonts.cut_for(named)
    assert cut is not None and cut is _fonts.cut_for(named) and cut is not _fonts.cut_for(plain)
    assert named | _fonts.BASE == cut.drawn and cut.common
    blocks = parse("# Claim\nNguyễn Wałęsa asks for a review.\n= Nguyễn Wałęsa")
    day = date(2025, 7, 10)
    warm = _pdf.render_pdf(blocks, "Claim", day)
    _fonts._kept_cut.cache_clear()
    assert _pdf.render_pdf(blocks, "Claim", day) == warm
    wider = _fonts.cut_for(named | set(range(0xC0, 0x100)))
    assert len(_pdf.render_pdf(blocks, "Claim", day, wider)) > len(warm)


def test_pdf_text_replaces_what_the_font_cannot_draw() -> None:
    assert _pdf.pdf_text("e\u0301 💸 \U000e0001x") == "é \ufffd x"


def test_data_directories_in_a_checkout_and_in_a_wheel(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(paths.__file__).resolve().parent.parent
    assert paths.templates_dir() == root / "templates"
    assert paths.flows_dir() == root / "flows"
    package = tmp_path / "service"
    (package / "_data" / "templates").mkdir(parents=True)
    (package / "_data" / "flows").mkdir()
    monkeypatch.setattr(paths, "_PACKAGE", package)
    assert paths.templates_dir() == package / "_data" / "templates"
    assert paths.flows_dir() == package / "_data" / "flows"
