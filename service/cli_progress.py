"""Read an exchange CSV for ``bearings calc lots``, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from . import importers


class Bar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.stream, self.width = max(total, 1), stream, width
        self.shown = stream.isatty()

    def __call__(self, done: int) -> None:
        """Redraw for ``done`` bytes read."""
        if not self.shown:
            return
        share = min(done / self.total, 1.0)
        filled = int(share * self.width)
        self.stream.write(f"\rreading {'#' * filled}{'.' * (self.width - filled)} "
                          f"{share:4.0%}")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.shown:
            self.stream.write("\n")


def parse_csv_with_progress(path: str) -> list[dict[str, Any]]:
    """Return the transactions of an export, reporting skipped rows on stderr."""
    from .cli import UserError

    file = Path(path)
    try:
        bar = Bar(file.stat().st_size)
        with file.open("rb") as handle:
            result = importers.parse(handle, progress=bar)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    except importers.UnknownFormat as exc:
        raise UserError(str(exc)) from exc
    finally:
        if "bar" in locals():
            bar.close()
    for error in result.errors[:20]:
        print(f"{path}: row {error['row']}: {error['message']}", file=sys.stderr)
    if len(result.errors) > 20:
        print(f"{path}: {len(result.errors) - 20} more rows skipped", file=sys.stderr)
    print(f"{path}: {result.format}, {len(result.transactions)} transactions", file=sys.stderr)
    return result.transactions
