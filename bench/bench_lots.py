"""Benchmark `bearings calc lots` against a minimal deque-and-Decimal FIFO.

    .venv/bin/python bench/bench_lots.py               # 100k transactions: target <= 3x baseline
    .venv/bin/python bench/bench_lots.py --n 1000000   # target < 20 s and < 1 GB peak RSS
    .venv/bin/python bench/bench_lots.py --rp2         # also rp2 FIFO on 10k, when importable

Each contender runs in its own subprocess (start-up and JSON parsing included); wall time is
measured around the subprocess and peak RSS comes from the kernel's accounting of that child.
`bearings` is the calculator's path (json.loads with Decimal, run("lots"), json.dumps) and is
what the targets apply to; `cli` is the `bearings calc lots` command itself, which pretty-prints
with json.dump(indent=2); `import` and `parse` show the fixed costs: starting Python and
importing the `service` package, and reading the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def baseline(path: str) -> None:
    """A minimal pooled FIFO: deques of [quantity, basis] per asset, Decimal throughout."""
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


def bearings(path: str) -> None:
    """The calculator's path: parse with Decimal, ``run("lots", ...)``, serialize the result."""
    sys.path.insert(0, str(ROOT))
    from service.calculators import run

    with open(path, encoding="utf-8") as handle:
        payload = json.loads(handle.read(), parse_float=Decimal)
    sys.stdout.write(json.dumps(run("lots", payload)))


def cli(path: str) -> None:
    """The command itself: ``bearings calc lots --input FILE`` (pretty-printed output)."""
    sys.path.insert(0, str(ROOT))
    from service.cli import main

    raise SystemExit(main(["calc", "lots", "--input", path]))


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
    """Run rp2's own FIFO engine on the buys, income, sales and fees (transfers left out)."""
    from prezzemolo.avl_tree import AVLTree  # type: ignore[import-not-found]
    from rp2.accounting_engine import AccountingEngine  # type: ignore[import-not-found]
    from rp2.configuration import Configuration  # type: ignore[import-not-found]
    from rp2.in_transaction import InTransaction  # type: ignore[import-not-found]
    from rp2.input_data import InputData  # type: ignore[import-not-found]
    from rp2.out_transaction import OutTransaction  # type: ignore[import-not-found]
    from rp2.plugin.accounting_method.fifo import AccountingMethod  # type: ignore
    from rp2.plugin.country.us import US  # type: ignore[import-not-found]
    from rp2.rp2_decimal import RP2Decimal  # type: ignore[import-not-found]
    from rp2.tax_engine import compute_tax  # type: ignore[import-not-found]
    from rp2.transaction_set import TransactionSet  # type: ignore[import-not-found]

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
        for row in rows:
            if row["asset"] != asset or row["type"].startswith("transfer"):
                continue
            quantity, value = RP2Decimal(row["quantity"]), RP2Decimal(row["usd_value"])
            common = (configuration, row["time"], asset, row["wallet"], "me")
            if row["type"] in ("buy", "income"):
                ins.add_entry(InTransaction(*common, row["type"].upper(), value / quantity,
                                            quantity, fiat_fee=RP2Decimal(row.get("fee_usd", 0)),
                                            unique_id=row["id"]))
            else:
                fee = row["type"] == "fee"
                sold, spent = (RP2Decimal(0), quantity) if fee else (quantity, RP2Decimal(0))
                outs.add_entry(OutTransaction(*common, row["type"].upper(), value / quantity,
                                              sold, spent, unique_id=row["id"]))
        data = compute_tax(configuration, engine,
                           InputData(asset, ins, outs, TransactionSet(configuration, "INTRA",
                                                                      asset)))
        gains += data.gain_loss_set.count
    os.unlink(config.name)
    sys.stdout.write(str(gains))


WORKERS = {"baseline": baseline, "bearings": bearings, "cli": cli, "parse": parse_only,
           "import": import_only, "rp2": rp2_fifo, "generate": generate}


def measure(worker: str, path: str) -> tuple[float, float, float]:
    """Run one worker in a subprocess; return wall seconds, peak RSS in MiB and CPU seconds."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--worker", worker, path],
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{worker} failed with exit status {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def write_ledger(n: int, folder: str) -> str:
    """Write the ledger from a subprocess (so this process stays small); return its path.

    Peak RSS of a child counts the parent's pages at fork time, so the parent must not grow.
    """
    path = os.path.join(folder, f"ledger-{n}.json")
    measure("generate", path)
    return path


def report(n: int, folder: str) -> bool:
    """Time the baseline and Bearings on ``n`` transactions; print figures; return the verdict."""
    path = write_ledger(n, folder)
    print(f"ledger: {n} transactions, {os.path.getsize(path) / 2**20:.1f} MiB of JSON "
          f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    figures: dict[str, tuple[float, float, float]] = {}
    for worker in ("import", "parse", "baseline", "bearings", "cli"):
        figures[worker] = seconds, mib, cpu = measure(worker, path)
        base = figures.get("baseline")
        ratio = f"  ({seconds / base[0]:.2f}x baseline wall, {cpu / base[2]:.2f}x CPU)" \
            if base else ""
        print(f"  {worker:9} {seconds:7.2f} s wall {cpu:7.2f} s CPU {mib:8.1f} MiB peak RSS"
              + ratio)
    (base_s, base_m, base_c), (ours_s, ours_m, ours_c) = figures["baseline"], figures["bearings"]
    lean = (ours_c - figures["import"][2]) / base_c
    print(f"  bearings vs baseline: wall {ours_s / base_s:.2f}x, CPU {ours_c / base_c:.2f}x, "
          f"memory {ours_m / base_m:.2f}x; CPU without importing the service package {lean:.2f}x")
    if n >= 1_000_000:
        ok = ours_s < 20 and ours_m < 1024
        print(f"  target (< 20 s and < 1 GiB): {'met' if ok else 'NOT met'}")
    else:
        ok = ours_s <= 3 * base_s
        print(f"  target (<= 3x baseline time): {'met' if ok else 'NOT met'}")
    return ok


def compare_rp2(folder: str) -> None:
    """Time rp2's FIFO on a 10k ledger next to Bearings, when rp2 can be imported."""
    try:
        import rp2  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        print("rp2: not importable here (pip install rp2 to compare); skipped")
        return
    path = write_ledger(10_000, folder)
    print("rp2 comparison (FIFO, 10k transactions; rp2 leaves transfers out):")
    for worker in ("baseline", "bearings", "rp2"):
        seconds, mib, cpu = measure(worker, path)
        print(f"  {worker:9} {seconds:7.2f} s wall {cpu:7.2f} s CPU {mib:8.1f} MiB peak RSS")


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the benchmark (or one worker, when called as a subprocess)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="transactions (default 100000)")
    parser.add_argument("--rp2", action="store_true", help="also compare rp2 FIFO on 10k")
    parser.add_argument("--worker", choices=list(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker](args.path)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        ok = report(args.n, folder)
        if args.rp2:
            compare_rp2(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
