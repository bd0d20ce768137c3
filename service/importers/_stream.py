"""Read an upload as CSV records without holding the whole file, counting bytes as it goes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, TextIO

#: Call ``progress`` after at least this many more bytes.
STEP = 256 * 1024


class TooLarge(ValueError):
    """The upload is larger than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The file is larger than the limit of {limit} bytes.")
        self.limit = limit


class _Meter:
    """Count bytes, enforce the limit and report progress."""

    def __init__(self, max_bytes: int | None, progress: Callable[[int], Any] | None) -> None:
        self.count = 0
        self.reported = 0
        self.max_bytes = max_bytes
        self.progress = progress

    def add(self, size: int) -> None:
        """Count ``size`` more bytes."""
        self.count += size
        if self.max_bytes is not None and self.count > self.max_bytes:
            raise TooLarge(self.max_bytes)
        if self.progress is not None and self.count - self.reported >= STEP:
            self.reported = self.count
            self.progress(self.count)

    def finish(self) -> None:
        """Report the final count."""
        if self.progress is not None and self.reported != self.count:
            self.reported = self.count
            self.progress(self.count)


class _Counting(io.RawIOBase):
    """A raw binary reader over any object with ``read(n)`` that feeds a meter."""

    def __init__(self, source: BinaryIO, meter: _Meter) -> None:
        super().__init__()
        self.source = source
        self.meter = meter

    def readable(self) -> bool:
        """Say that this reader can be read."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the source."""
        data = self.source.read(len(buffer))
        if not data:
            return 0
        size = len(data)
        self.meter.add(size)
        buffer[:size] = data
        return size


def _text_lines(source: TextIO, meter: _Meter) -> Iterator[str]:
    """Yield the lines of a text stream, counting their UTF-8 bytes."""
    while True:
        chunk = source.readline()
        if not chunk:
            return
        meter.add(len(chunk.encode("utf-8", "replace")))
        yield chunk


def lines(stream: BinaryIO | TextIO, meter: _Meter) -> Iterable[str]:
    """Return the stream as text lines (UTF-8, byte-order mark dropped)."""
    probe = stream.read(0)
    if isinstance(probe, str):
        return _text_lines(stream, meter)  # type: ignore[arg-type]
    raw = io.BufferedReader(_Counting(stream, meter), buffer_size=64 * 1024)  # type: ignore
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def records(text: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number as a spreadsheet shows it, cells) for every CSV record."""
    reader = csv.reader(text)
    for number, cells in enumerate(reader, start=1):
        if number == 1 and cells:
            cells[0] = cells[0].lstrip("\ufeff")
        yield number, cells


def meter(max_bytes: int | None, progress: Callable[[int], Any] | None) -> _Meter:
    """Return a new byte meter."""
    return _Meter(max_bytes, progress)
