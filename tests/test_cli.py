"""The ``bearings`` command: exit 0 on success, 1 on a user error (no traceback), 2 on bad usage."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main

ROOT = Path(__file__).parent.parent
GOLDEN = ROOT / "tests" / "golden" / "letters"


def test_calc_reads_json_and_prints_the_worksheet(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "loss.json"
    request.write_text(json.dumps({"tax_year": 2025, "filing_status": "single",
                                   "short_term": "-20000.00", "long_term": "-5000.00"}))
    assert main(["calc", "capital-loss", "--input", str(request)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["deduction"] == "3000.00"
    assert result["carryover"] == {"short_term": "17000.00", "long_term": "5000.00"}
    assert result["worksheet"] and result["explanation"]


def test_calc_reads_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "calc", "deadlines"], cwd=ROOT,
        input=json.dumps({"learned_of_loss": "2025-07-03", "today": "2025-07-04"}),
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    due = {d["id"]: d["due"] for d in json.loads(done.stdout)["deadlines"]}
    assert due["reg_e_2_business_days"] == "2025-07-08"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["calc", "capital-loss"], "{not json", "is not valid JSON"),
    (["calc", "capital-loss"], '{"tax_year": 1999}', '"tax_year"'),
    (["calc", "nope"], "{}", "unknown calculator 'nope'"),
    (["calc", "lots", "--input", "/no/such.csv"], "", "cannot read /no/such.csv"),
    (["letter", "nope", "--input", "/dev/null", "--format", "txt", "--output", "x"], "",
     "is not valid JSON"),
])
def test_user_errors_exit_1_without_a_traceback(args: list[str], stdin: str,
                                                message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_bad_usage_exits_2() -> None:
    done = subprocess.run([sys.executable, "-m", "service.cli", "calc"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "usage" in done.stderr


@pytest.mark.parametrize("fmt", ["pdf", "docx", "txt", "html"])
def test_letter_writes_each_format(tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"letter.{fmt}"
    source = GOLDEN / "heloc-suspension.json"
    assert main(["letter", "heloc-suspension", "--input", str(source), "--format", fmt,
                 "--output", str(output)]) == 0
    assert output.stat().st_size > 200


def test_letter_names_missing_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    assert main(["letter", "heloc-suspension", "--input", str(empty), "--format", "txt",
                 "--output", str(tmp_path / "x.txt")]) == 1
    assert "full_name" in json.loads(capsys.readouterr().err)["errors"]


def test_lots_reads_an_exchange_csv(capsys: pytest.CaptureFixture[str]) -> None:
    export = ROOT / "tests" / "fixtures" / "exports" / "generic.csv"
    assert main(["calc", "lots", "--input", str(export), "--method", "hifo"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["method"] == "hifo"
    assert "generic" in captured.err


def test_help_is_plain_text() -> None:
    done = subprocess.run([sys.executable, "-m", "service.cli", "--help"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "``" not in done.stdout and "Bearings: a guided recovery assistant" in done.stdout


@pytest.mark.parametrize("args", [
    ["flow", "diagram", "crypto-loss-recovery"],
    ["flow", "diagram", "crypto-loss-recovery", "--format", "svg"],
    ["--help"],
])
def test_a_reader_that_stops_early_ends_the_command_quietly(args: list[str]) -> None:
    with subprocess.Popen([sys.executable, "-m", "service.cli", *args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # like `| head` that has already read all it wants
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert code == 0


def test_a_broken_pipe_inside_a_command_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["flow", "diagram", "crypto-loss-recovery"]) == 0
