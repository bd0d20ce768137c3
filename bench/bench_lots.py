"""Benchmark `bearings calc lots` against a minimal deque-and-Decimal FIFO, and rp2.

    .venv/bin/python bench/bench_lots.py               # 100k: the command within 3x baseline
    .venv/bin/python bench/bench_lots.py --n 1000000   # the command in < 20 s and < 1 GiB
    .venv/bin/python bench/bench_lots.py --rp2         # also rp2's FIFO engine on 10k

Each contender runs in its own subprocess; wall time is measured around the subprocess (start-up
and imports included) and peak RSS comes from the kernel's accounting of that child. The targets
apply to `cli`, the `bearings calc lots --input FILE` command itself. `bearings` is the
calculator's path inside Python (json.loads with Decimal, run("lots"), json.dumps); `import` and
`parse` show the fixed costs. The rp2 comparison (rp2 from PyPI, never a project dependency: it
is used from this interpreter when importable, else installed into bench/results/rp2-venv, else
skipped loudly) times each engine's own work in its process, from reading the file to its
result in memory (rp2's worker writes only a count), imports and output left out on both
sides; the whole-process times are printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from _targets import record  # noqa: E402

BEARINGS = ROOT / ".venv" / "bin" / "bearings"
RP2_VENV = ROOT / "bench" / "results" / "rp2-venv"
TIMING = "BENCH_LOTS_TIMING"
ASSETS = {"BTC": 2_000_000, "ETH": 150_000, "SOL": 2_000}  # starting price in cents
WALLETS = ("coinbase", "kraken", "ledger")
START = datetime(2021, 1, 1, tzinfo=UTC)


def ledger(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Return ``n`` plausible transactions over 2021-2026 (seeded, in time order)."""
    rng = random.Random(seed)
    prices = dict(ASSETS)
    held = {(asset, wallet): 0 for asset in ASSETS for wallet in WALLETS}
    step = timedelta(seconds=max(1, int(5.5 * 365 * 86400 / n)))
    moment, rows = START, []
    while len(rows) < n:
        moment += step
        asset, wallet = rng.choice(tuple(ASSETS)), rng.choice(WALLETS)
        base = ASSETS[asset]
        prices[asset] = min(base * 3, max(base // 3, prices[asset] + rng.randint(
            -prices[asset] // 50, prices[asset] // 50)))
        rows.extend(_event(rng, len(rows), moment, asset, wallet, prices[asset], held))
    return rows[:n]


def _event(rng: random.Random, count: int, moment: datetime, asset: str, wallet: str,
           price: int, held: dict[tuple[str, str], int]) -> list[dict[str, str]]:
    """Return one random event (two rows for a transfer) and update the holdings."""
    roll, units = rng.random(), rng.randint(1_000_000, 100_000_000)  # 0.01 to 1 unit
    have = held[asset, wallet]
    if roll < 0.34 and have > 0:
        units = min(have, units)
        held[asset, wallet] -= units
        kind = "sell" if roll < 0.32 else "fee"
        return [_row(count, moment, kind, asset, units, price, wallet, fee=kind == "sell")]
    if roll < 0.40 and have > 0:
        to = rng.choice([w for w in WALLETS if w != wallet])
        units = min(have, units)
        arrive = units - units // 1000
        held[asset, wallet] -= units
        held[asset, to] += arrive
        later = moment + timedelta(minutes=rng.randint(1, 90))
        return [_row(count, moment, "transfer_out", asset, units, None, wallet),
                _row(count + 1, later, "transfer_in", asset, arrive, None, to)]
    kind = "income" if roll < 0.46 else "buy"
    held[asset, wallet] += units
    return [_row(count, moment, kind, asset, units, price, wallet, fee=kind == "buy")]


def _row(count: int, moment: datetime, kind: str, asset: str, units: int, price: int | None,
         wallet: str, fee: bool = False) -> dict[str, str]:
    """Return one transaction in the `lots` request shape."""
    row = {"id": f"t{count}", "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": kind,
           "asset": asset, "quantity": _units(units)}
    if price is not None:
        cents = units * price // 100_000_000
        row["usd_value"] = f"{cents // 100}.{cents % 100:02d}"
        if fee:
            row["fee_usd"] = f"{cents // 10_000}.{cents // 100 % 100:02d}"
    row["wallet"] = wallet
    return row


def _units(units: int) -> str:
    """Format an integer count of 1e-8 units as a decimal string."""
    return f"{units // 100_000_000}.{units % 100_000_000:08d}"


def _timed(began: float) -> None:
    """Write the seconds since ``began`` (this process's own work) where the parent asked."""
    if os.environ.get(TIMING):
        with open(os.environ[TIMING], "w", encoding="utf-8") as handle:
            handle.write(str(time.perf_counter() - began))


def baseline(path: str) -> None:
    """A minimal pooled FIFO: deques of [quantity, basis] per asset, Decimal throughout."""
    began = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        payload = json.loads(handle.read(), parse_float=Decimal)
    lots: dict[str, deque[list[Decimal]]] = {}
    out = []
    for row in sorted(payload["transactions"], key=lambda r: r["time"]):
        kind, quantity = row["type"], Decimal(row["quantity"])
        pile = lots.setdefault(row["asset"], deque())
        if kind in ("buy", "income"):
            pile.append([quantity, Decimal(row["usd_value"]) + Decimal(row.get("fee_usd", 0))])
        elif kind in ("sell", "fee"):
            proceeds, basis, left = Decimal(row["usd_value"]), Decimal(0), quantity
            while left and pile:
                lot = pile[0]
                used = min(left, lot[0])
                part = lot[1] * used / lot[0]
                lot[0] -= used
                lot[1] -= part
                basis += part
                left -= used
                if not lot[0]:
                    pile.popleft()
            out.append({"id": row["id"], "proceeds": str(proceeds), "basis": str(basis),
                        "gain": str(proceeds - basis)})
    sys.stdout.write(json.dumps({"disposals": out}))
    _timed(began)


def bearings(path: str) -> None:
    """The calculator's path: parse with Decimal, ``run("lots", ...)``, serialize the result.

    Its own work, like rp2's below, runs from reading the file to the result in memory.
    """
    sys.path.insert(0, str(ROOT))
    from service.calculators import get, run

    get("lots")
    began = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        payload = json.loads(handle.read(), parse_float=Decimal)
    result = run("lots", payload)
    _timed(began)
    sys.stdout.write(json.dumps(result))


def generate(path: str) -> None:
    """Write a seeded ledger as a `lots` request; ``path`` ends in -<n>.json."""
    n = int(path.rsplit("-", 1)[1].removesuffix(".json"))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"method": "fifo", "transactions": ledger(n)}, handle)


def import_only(path: str) -> None:
    """Only start Python and import the calculator (which imports the ``service`` package)."""
    sys.path.insert(0, str(ROOT))
    import service.calculators.lots  # noqa: F401


def parse_only(path: str) -> None:
    """Only read and parse the file: the floor every contender pays."""
    with open(path, encoding="utf-8") as handle:
        payload = json.loads(handle.read(), parse_float=Decimal)
    sys.stdout.write(str(len(payload["transactions"])))


_RP2_CONFIG = """[general]
assets = {assets}
exchanges = {wallets}
holders = me

[in_header]
timestamp = 0
asset = 1
exchange = 2
holder = 3
transaction_type = 4
spot_price = 5
crypto_in = 6
fiat_fee = 7

[out_header]
timestamp = 0
asset = 1
exchange = 2
holder = 3
transaction_type = 4
spot_price = 5
crypto_out_no_fee = 6
crypto_fee = 7

[intra_header]
timestamp = 0
asset = 1
from_exchange = 2
from_holder = 3
to_exchange = 4
to_holder = 5
spot_price = 6
crypto_sent = 7
crypto_received = 8
"""


def rp2_fifo(path: str) -> None:
    """Run rp2's own FIFO engine on the whole ledger: buys, income, sales, fees and transfers.

    Each transfer_out and the transfer_in written after it become one rp2 intra-transaction;
    rp2 needs a spot price for the coins lost on the way, taken from the asset's last valued
    row.
    """
    from prezzemolo.avl_tree import AVLTree  # type: ignore[import-not-found]
    from rp2.accounting_engine import AccountingEngine  # type: ignore[import-not-found]
    from rp2.configuration import Configuration  # type: ignore[import-not-found]
    from rp2.in_transaction import InTransaction  # type: ignore[import-not-found]
    from rp2.input_data import InputData  # type: ignore[import-not-found]
    from rp2.intra_transaction import IntraTransaction  # type: ignore[import-not-found]
    from rp2.out_transaction import OutTransaction  # type: ignore[import-not-found]
    from rp2.plugin.accounting_method.fifo import AccountingMethod  # type: ignore
    from rp2.plugin.country.us import US  # type: ignore[import-not-found]
    from rp2.rp2_decimal import RP2Decimal  # type: ignore[import-not-found]
    from rp2.tax_engine import compute_tax  # type: ignore[import-not-found]
    from rp2.transaction_set import TransactionSet  # type: ignore[import-not-found]

    began = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        rows = json.loads(handle.read(), parse_float=Decimal)["transactions"]
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as config:
        config.write(_RP2_CONFIG.format(assets=", ".join(ASSETS), wallets=", ".join(WALLETS)))
    configuration = Configuration(config.name, US(), allow_negative_balances=True)
    methods = AVLTree()
    methods.insert_node(2009, AccountingMethod())
    engine = AccountingEngine(years_2_methods=methods)
    gains = 0
    for asset in ASSETS:
        ins = TransactionSet(configuration, "IN", asset)
        outs = TransactionSet(configuration, "OUT", asset)
        intras = TransactionSet(configuration, "INTRA", asset)
        price = RP2Decimal(ASSETS[asset]) / RP2Decimal(100)
        for number, row in enumerate(rows):
            if row["asset"] != asset or row["type"] == "transfer_in":
                continue
            quantity = RP2Decimal(row["quantity"])
            common = (configuration, row["time"], asset, row["wallet"], "me")
            if row["type"] == "transfer_out":
                arrived = rows[number + 1] if number + 1 < len(rows) else None
                if arrived is not None and arrived["type"] == "transfer_in":
                    intras.add_entry(IntraTransaction(
                        *common, arrived["wallet"], "me", price, quantity,
                        RP2Decimal(arrived["quantity"]), unique_id=row["id"]))
                continue
            value = RP2Decimal(row["usd_value"])
            price = value / quantity
            if row["type"] in ("buy", "income"):
                ins.add_entry(InTransaction(*common, row["type"].upper(), price, quantity,
                                            fiat_fee=RP2Decimal(row.get("fee_usd", 0)),
                                            unique_id=row["id"]))
            else:
                fee = row["type"] == "fee"
                sold, spent = (RP2Decimal(0), quantity) if fee else (quantity, RP2Decimal(0))
                outs.add_entry(OutTransaction(*common, row["type"].upper(), price, sold, spent,
                                              unique_id=row["id"]))
        data = compute_tax(configuration, engine, InputData(asset, ins, outs, intras))
        gains += data.gain_loss_set.count
    os.unlink(config.name)
    sys.stdout.write(str(gains))
    _timed(began)


WORKERS = {"baseline": baseline, "bearings": bearings, "parse": parse_only,
           "import": import_only, "rp2": rp2_fifo, "generate": generate}


@dataclass(frozen=True)
class Run:
    """One subprocess: wall seconds, peak RSS in MiB, its own work's seconds, CPU seconds."""

    wall: float
    mib: float
    own: float
    cpu: float


def measure(worker: str, path: str, python: str = sys.executable) -> Run:
    """Run one worker in a subprocess and time it.

    ``cli`` runs the installed `bearings calc lots --input FILE` command itself.
    """
    with tempfile.NamedTemporaryFile(suffix=".timing") as timing:
        command = ([str(BEARINGS), "calc", "lots", "--input", path] if worker == "cli"
                   else [python, __file__, "--worker", worker, path])
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 env={**os.environ, TIMING: timing.name})
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{worker} failed with exit status "
                             f"{os.waitstatus_to_exitcode(status)}")
        own = timing.read().decode()
    return Run(elapsed, usage.ru_maxrss / 1024, float(own) if own else elapsed,
               usage.ru_utime + usage.ru_stime)


def write_ledger(n: int, folder: str) -> str:
    """Write the ledger from a subprocess (so this process stays small); return its path.

    Peak RSS of a child counts the parent's pages at fork time, so the parent must not grow.
    """
    path = os.path.join(folder, f"ledger-{n}.json")
    measure("generate", path)
    return path


def report(n: int, folder: str, detail: bool) -> bool:
    """Time the baseline and the command on ``n`` transactions; record the target.

    Below a million transactions the baseline and the command alternate three times and the
    medians count, so that a burst of other work on the machine cannot land on one side only.
    """
    path = write_ledger(n, folder)
    print(f"ledger: {n} transactions, {os.path.getsize(path) / 2**20:.1f} MiB of JSON")
    if detail:
        for worker in ("import", "parse", "bearings"):
            run = measure(worker, path)
            print(f"  {worker:9} {run.wall:7.2f} s  {run.mib:8.1f} MiB peak RSS", flush=True)
    runs: dict[str, list[Run]] = {"baseline": [], "cli": []}
    for _ in range(3 if n < 1_000_000 else 1):
        for worker, done in runs.items():
            done.append(measure(worker, path))
            last = done[-1]
            print(f"  {worker:9} {last.wall:7.2f} s wall  {last.cpu:7.2f} s CPU  "
                  f"{last.mib:8.1f} MiB peak RSS", flush=True)
    base, ours = (Run(*(statistics.median(getattr(r, name) for r in runs[worker])
                        for name in ("wall", "mib", "own", "cpu")))
                  for worker in ("baseline", "cli"))
    ratio = (f"{ours.wall / base.wall:.2f}x baseline time ({base.wall:.2f} s; CPU "
             f"{ours.cpu / base.cpu:.2f}x), {ours.mib / base.mib:.2f}x its memory")
    figure = f"{ours.wall:.2f} s, {ours.mib:.0f} MiB peak"
    if n >= 1_000_000:
        ok = ours.wall < 20 and ours.mib < 1024
        record(f"bearings calc lots, {n} transactions", figure, ratio, "< 20 s and < 1 GiB", ok)
    else:
        ok = ours.wall <= 3 * base.wall
        record(f"bearings calc lots, {n} transactions", figure, ratio, "<= 3x baseline time",
               ok)
    return ok


def rp2_python() -> str | None:
    """Return an interpreter that can import rp2: this one, or a scratch venv made for it."""
    try:
        import rp2  # type: ignore[import-not-found]  # noqa: F401

        return sys.executable
    except ImportError:
        pass
    python = RP2_VENV / "bin" / "python"
    if not python.exists():
        print(f"rp2: installing it into {RP2_VENV} (never a project dependency)", flush=True)
        shutil.rmtree(RP2_VENV, ignore_errors=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(RP2_VENV)],
                              capture_output=True, text=True)
        if made.returncode == 0:
            made = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "rp2"],
                                  capture_output=True, text=True)
        if made.returncode != 0:
            print("rp2: COULD NOT BE INSTALLED, comparison SKIPPED:\n"
                  + made.stderr[-1500:], flush=True)
            shutil.rmtree(RP2_VENV, ignore_errors=True)
            return None
    return str(python)


def compare_rp2(folder: str, rounds: int = 5, around: int = 4) -> bool:
    """Time rp2's FIFO and Bearings on one 10k ledger; record the target (skipped: None).

    The machine's speed drifts by half from one minute to the next, and one rp2 run lasts
    about twenty of Bearings'. So each round runs Bearings ``around`` times, rp2 once, and
    Bearings ``around`` times again: rp2's run is bracketed by as much of Bearings' work as
    it does itself, and the round's ratio is rp2's time over the mean of Bearings' (a mean,
    not the fastest, so that no luck is picked). The median of the rounds' ratios counts.
    """
    python = rp2_python()
    if python is None:
        record("lot matching vs rp2 FIFO, 10k transactions", "SKIPPED: rp2 not installable",
               "-", ">= 20x faster", False)
        return False
    path = write_ledger(10_000, folder)
    print(f"rp2 comparison (FIFO, 10k transactions, transfers included on both sides; "
          f"{rounds} rounds of Bearings x{around}, rp2, Bearings x{around}; medians):")
    runs: dict[str, list[Run]] = {"baseline": [], "bearings": [], "rp2": []}
    ratios = []
    for number in range(rounds):
        runs["baseline"].append(measure("baseline", path))
        bracket = [measure("bearings", path) for _ in range(around)]
        runs["rp2"].append(measure("rp2", path, python))
        bracket += [measure("bearings", path) for _ in range(around)]
        runs["bearings"] += bracket
        mean = statistics.fmean(run.own for run in bracket)
        ratios.append(runs["rp2"][-1].own / mean)
        print(f"  round {number + 1}: rp2 {runs['rp2'][-1].own:.3f} s, bearings {mean:.3f} s "
              f"(mean of {len(bracket)}; {min(r.own for r in bracket):.3f} to "
              f"{max(r.own for r in bracket):.3f}) of own work: {ratios[-1]:.1f}x", flush=True)
    figures = {worker: Run(*(statistics.median(getattr(r, name) for r in done)
                             for name in ("wall", "mib", "own", "cpu")))
               for worker, done in runs.items()}
    for worker, run in figures.items():
        print(f"  {worker:9} {run.own:7.3f} s own work  {run.wall:7.2f} s whole process  "
              f"{run.mib:8.1f} MiB peak RSS", flush=True)
    cli_s = measure("cli", path).wall
    print(f"  {'cli':9} {'':7} {'':16}  {cli_s:7.2f} s whole process", flush=True)
    ours, theirs = figures["bearings"].own, figures["rp2"].own
    speedup = statistics.median(ratios)
    record("lot matching vs rp2 FIFO, 10k transactions",
           f"{ours * 1000:.0f} ms vs rp2 {theirs * 1000:.0f} ms of own work "
           f"(whole process {figures['bearings'].wall:.2f} s vs {figures['rp2'].wall:.2f} s)",
           f"{speedup:.1f}x faster than rp2 (median of {rounds} rounds)", ">= 20x faster",
           speedup >= 20)
    return speedup >= 20


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the benchmark (or one worker, when called as a subprocess)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append",
                        help="transactions (default 100000; repeat for several sizes)")
    parser.add_argument("--rp2", action="store_true", help="also compare rp2 FIFO on 10k")
    parser.add_argument("--detail", action="store_true",
                        help="also time import, parse and the calculator path")
    parser.add_argument("--worker", choices=list(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker](args.path)
        return 0
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for n in args.n or [100_000]:
            ok &= report(n, folder, args.detail)
            os.unlink(os.path.join(folder, f"ledger-{n}.json"))
        if args.rp2:
            ok &= compare_rp2(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
