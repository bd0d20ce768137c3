"""Run every benchmark and print one table: each target, its figure, its ratio, holds or MISSED.

    .venv/bin/python bench/run.py            # what `make bench` runs (about 5 minutes)
    .venv/bin/python bench/run.py --quick    # shorter runs, 100k lots only, no soak

Each benchmark runs in its own process and records its targets (bench/_targets.py); every
ratio is to a baseline measured in that same run, since these machines are noisy. bench/soak.py
runs too when it exists; if it records no targets, its exit status is its one target. The
service's bytecode is compiled first, as an installed package has it, so that start-up times
do not include compiling our own modules. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _targets import RESULTS, Target, load, verdict  # noqa: E402


def benchmarks(quick: bool) -> list[tuple[str, list[str]]]:
    """Return (name, argv) of each benchmark to run."""
    seconds = "2" if quick else "5"
    runs = [("service", ["bench_service.py", "--seconds", seconds]),
            ("lots", ["bench_lots.py", "--n", "100000", "--rp2"]
             + ([] if quick else ["--n", "1000000"])),
            ("letters", ["bench_letters.py"] + (["--runs", "5"] if quick else []))]
    if (HERE / "soak.py").exists() and not quick:
        runs.append(("soak", ["soak.py"]))
    return runs


def run_one(name: str, argv: list[str], results: str) -> tuple[int, float]:
    """Run one benchmark with its output shown as it comes; return its status and duration."""
    print(f"\n=== {name}: {' '.join(argv)}", flush=True)
    began = time.perf_counter()
    status = subprocess.call([sys.executable, str(HERE / argv[0]), *argv[1:]], cwd=ROOT,
                             env={**os.environ, RESULTS: results})
    return status, time.perf_counter() - began


def table(targets: list[Target]) -> str:
    """Return the summary table."""
    rows = [("target", "measured", "ratio to baseline", "goal", "")]
    rows += [(t.name, t.figure, t.ratio, t.goal, verdict(t.holds)) for t in targets]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(4)] + [row[4]]
        lines.append(" | ".join(cells).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-------")
    return "\n".join(lines)


def main() -> int:
    """Run the benchmarks, then print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, for a quick look")
    parser.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "service")],
                   check=False)
    targets: list[Target] = []
    began = time.perf_counter()
    for name, argv in benchmarks(args.quick):
        if args.only and name not in args.only:
            continue
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as results:
            status, seconds = run_one(name, argv, results.name)
            found = load(results.name)
        print(f"=== {name}: {seconds:.0f} s, exit status {status}", flush=True)
        if not found:
            found = [Target(name, f"exit status {status}", "-", "exit status 0", status == 0)]
        targets += found
    print(f"\nSummary ({time.perf_counter() - began:.0f} s, 2 workers, 16 clients; every ratio "
          "to a baseline measured in the same run)\n")
    print(table(targets))
    missed = [t.name for t in targets if not t.holds]
    print(f"\n{len(targets) - len(missed)} of {len(targets)} targets hold"
          + (f"; MISSED: {', '.join(missed)}" if missed else "."))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
