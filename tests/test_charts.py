"""The server-drawn SVG pictures: well-formed, accessible, escaped and to scale."""

from __future__ import annotations

import ast
import inspect
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from service import calculators, charts
from service.charts import BORROWED_COLOUR, LONG_COLOUR, OWN_COLOUR, SHORT_COLOUR

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Any) -> ET.Element:
    """Parse an SVG string, failing on anything that is not well-formed XML."""
    assert markup is not None
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    """Return every text element's words."""
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def rects(root: ET.Element, colour: str) -> list[ET.Element]:
    """Return the rectangles of one colour."""
    return [r for r in root.iter(f"{SVG}rect") if r.get("fill") == colour]


def capital_loss(short: str, long: str = "0.00") -> dict[str, Any]:
    """Return a capital-loss result for a single filer in 2025."""
    return calculators.run("capital-loss", {"tax_year": 2025, "filing_status": "single",
                                            "short_term": short, "long_term": long})


def loss_summary(**extra: Any) -> dict[str, Any]:
    """Return a loss summary: mostly a HELOC, some savings, a little on a card."""
    return calculators.run("loss-summary", {
        "deposits": [{"amount": "200000", "source": "heloc"},
                     {"amount": "40000", "source": "savings"},
                     {"amount": "10000", "source": "credit_card"}],
        "balance_left": "0", **extra})


@pytest.mark.parametrize(("amount", "label"), [
    ("0", "$0"), ("750", "$750"), ("2500", "$2.5k"), ("50000", "$50k"),
    ("300000", "$300k"), ("1250000", "$1.25M")])
def test_compact_axis_labels(amount: str, label: str) -> None:
    assert charts.compact(Decimal(amount)) == label


def test_carryover_chart_is_an_accessible_picture() -> None:
    result = capital_loss("-12000.00", "-4000.00")
    root = parse(charts.carryover_chart(result["projection"], label="cl"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "cl-title cl-desc"
    assert root.find(f"{SVG}title").text == "Loss carried forward, year by year"
    desc = root.find(f"{SVG}desc").text
    assert desc == ("After 2026, $10,000 is still left to carry forward. Each year up to "
                    "$3,000 comes off other income, so the loss is used up in 2030 unless "
                    "gains use it sooner.")


def test_carryover_bars_are_to_scale_and_stacked() -> None:
    result = capital_loss("-12000.00", "-4000.00")
    root = parse(charts.carryover_chart(result["projection"]))
    short = [Decimal(r.get("height")) for r in rects(root, SHORT_COLOUR)][1:]
    long = [Decimal(r.get("height")) for r in rects(root, LONG_COLOUR)][1:]
    # 2026: 6,000 short + 4,000 long left; 2027: 3,000 + 4,000; 2028: 0 + 4,000; 2029: 0 + 1,000
    per_thousand = Decimal(220) / 15  # the plot is 220 high and the axis tops out at $15k
    near = Decimal("0.05")
    assert short[:4] == pytest.approx([6 * per_thousand, 3 * per_thousand, 0, 0], abs=near)
    assert long[:4] == pytest.approx([4 * per_thousand] * 3 + [per_thousand], abs=near)
    words = texts(root)
    assert ["2026", "2027", "2028", "2029", "2030"] == [w for w in words if w.isdigit()]
    assert "used up" in words and "$15k" in words and "$0" in words


def test_a_long_carryover_labels_only_round_years() -> None:
    result = capital_loss("-250000.00", "-5000.00")
    root = parse(charts.carryover_chart(result["projection"],
                                        years_to_use_up=result["years_to_use_up"]))
    years = [w for w in texts(root) if w.isdigit()]
    assert 4 <= len(years) <= 8 and years[0] == "2026"
    assert len(rects(root, SHORT_COLOUR)) == len(result["projection"]) + 1
    assert "used up in 2109" in root.find(f"{SVG}desc").text


def test_no_carryover_draws_nothing() -> None:
    assert charts.carryover_chart(capital_loss("-2000.00")["projection"]) is None
    assert charts.carryover_chart([]) is None


def test_loss_chart_splits_by_source_and_marks_borrowed_money() -> None:
    root = parse(charts.loss_chart(loss_summary(), label="ls"))
    words = texts(root)
    assert "Net loss: $250,000" in words
    assert ["The home equity line", "Savings", "Credit cards"] == [
        w for w in words if w[:1].isupper() and not w.startswith(("Net", "Your", "Borrowed"))]
    assert "$200,000 (80%)" in words and "$40,000 (16%)" in words
    borrowed = [Decimal(r.get("width")) for r in rects(root, BORROWED_COLOUR)][1:]
    own = [Decimal(r.get("width")) for r in rects(root, OWN_COLOUR)][1:]
    assert borrowed == [Decimal(640), Decimal(32)] and own == [Decimal(128)]
    assert root.find(f"{SVG}desc").text.endswith("Borrowed money carries $210,000 of it.")


def test_no_net_loss_draws_nothing() -> None:
    assert charts.loss_chart(loss_summary(withdrawals=[{"amount": "260000"}])) is None


def test_every_text_is_escaped() -> None:
    summary = {"net_loss": "100.00", "borrowed_loss": "0.00", "by_source": [
        {"label": '<script>alert("x")</script> & co', "loss": "100.00",
         "share_percent": "100.00", "borrowed": False}]}
    markup = str(charts.loss_chart(summary, label='x"><script>'))
    root = parse(markup)
    assert "<script" not in markup
    assert '<script>alert("x")</script> & co' in texts(root)
    assert not [e for e in root.iter() if e.tag.endswith("script")]


def test_pictures_need_no_style_sheet_and_no_flask() -> None:
    for markup in (charts.carryover_chart(capital_loss("-9000.00")["projection"]),
                   charts.loss_chart(loss_summary())):
        root = parse(markup)
        assert not [e for e in root.iter() if e.tag == f"{SVG}style" or e.get("style")]
    tree = ast.parse(inspect.getsource(charts))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [name for name in imported if name.split(".")[0] == "flask"]


def test_figures_gathers_what_a_page_can_draw_wide_and_narrow() -> None:
    result = capital_loss("-20000.00")
    drawn = charts.figures({"capital-loss": result, "loss-summary": loss_summary(),
                            "deadlines": {"deadlines": [{"id": "reg_e_60_days"}]}})
    for name, title in (("carryover", "Loss carried forward"),
                        ("loss", "Where the loss came from")):
        wide, narrow = parse(drawn[name]), parse(drawn[name + "_narrow"])
        assert title in wide.find(f"{SVG}title").text
        assert (wide.get("width"), narrow.get("width")) == ("640", "340")
        assert narrow.get("aria-labelledby").startswith(name + "-narrow-title")
    assert drawn["capital_loss"] is result and drawn["deadlines"] == [{"id": "reg_e_60_days"}]
    assert charts.figures({}) == {"capital_loss": None, "deadlines": [], "carryover": None,
                                  "loss": None, "carryover_narrow": None, "loss_narrow": None}


def test_a_narrow_picture_wraps_its_legend_and_keeps_words_inside() -> None:
    result = capital_loss("-250000.00", "-5000.00")
    root = parse(charts.carryover_chart(result["projection"], width=340))
    keys = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "14.0"]
    assert keys[0].get("y") != keys[1].get("y") and keys[0].get("x") == keys[1].get("x")
    years = [t for t in root.iter(f"{SVG}text") if (t.text or "").isdigit()]
    assert 2 <= len(years) <= 4
    assert all(Decimal(t.get("x")) <= 340 for t in root.iter(f"{SVG}text"))
