"""The ``bearings`` command: serve, chat, calc, letter, flow check, flow diagram, purge."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from marshmallow import ValidationError

EXIT_OK, EXIT_USER, EXIT_USAGE = 0, 1, 2
DESCRIPTION = ("Bearings: a guided recovery assistant for the days after a big crypto loss. "
               "Run the web app, hold the conversation in a terminal, run a calculator, "
               "write a letter, or check and draw flows.")


class UserError(Exception):
    """A mistake in what the user asked for: message on stderr, exit 1."""


def _fail(message: str) -> NoReturn:
    raise UserError(message)


def _read_json(path: str | None, parse: Callable[[str], Any] | None = None) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8") if path else sys.stdin.read()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
    except UnicodeDecodeError:
        _fail(f"{path or 'standard input'} is not UTF-8 text")
    try:
        return (parse or (lambda raw: json.loads(raw, parse_float=Decimal)))(text)
    except (ValueError, RecursionError) as exc:
        _fail(f"{path or 'standard input'} is not valid JSON: {exc}")


def _errors(exc: ValidationError) -> str:
    return json.dumps({"errors": exc.normalized_messages()}, indent=2, ensure_ascii=False)


def cmd_calc(args: argparse.Namespace) -> int:
    """Run one calculator on JSON (or, for lots, an exchange CSV) and print JSON."""
    from . import calculators

    if args.name not in calculators.names():
        _fail(f"unknown calculator {args.name!r}; choose one of: {', '.join(calculators.names())}")
    if args.name == "lots":
        return _calc_lots(args)
    payload = _read_json(args.input)
    try:
        result = calculators.run(args.name, payload)
    except ValidationError as exc:
        print(_errors(exc), file=sys.stderr)
        return EXIT_USER
    # Indented for a person at a terminal; compact (C encoder, much faster) when piped.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(result, indent=indent, ensure_ascii=False) + "\n")
    return EXIT_OK


def _calc_lots(args: argparse.Namespace) -> int:
    """Run `lots` on a JSON request or an exchange CSV, writing each row as it is found."""
    from .calculators import _common, get, lots

    if args.input and args.input.lower().endswith(".csv"):
        from .cli_progress import parse_csv_with_progress

        payload: Any = {"method": args.method, "transactions": parse_csv_with_progress(args.input)}
    else:
        payload = _read_json(args.input, lots.parse_request)
    try:
        loaded = _common.load(get("lots").request(), payload)
        lots.write(loaded, sys.stdout)
        sys.stdout.flush()
    except ValidationError as exc:
        print(_errors(exc), file=sys.stderr)
        return EXIT_USER
    except BrokenPipeError:  # the reader stopped early (| head): nothing left to tell it
        return _reader_gone()
    return EXIT_OK


def cmd_letter(args: argparse.Namespace) -> int:
    """Render one letter to a file."""
    from . import letters

    data = _read_json(args.input)
    try:
        rendered = letters.render(args.type, data, args.format)
    except letters.UnknownLetter:
        names = ", ".join(t.id for t in letters.letter_types())
        _fail(f"unknown letter type {args.type!r}; choose one of: {names}")
    except ValidationError as exc:
        print(_errors(exc), file=sys.stderr)
        return EXIT_USER
    try:
        Path(args.output).write_bytes(rendered.content)
    except OSError as exc:
        _fail(f"cannot write {args.output}: {exc.strerror}")
    print(f"wrote {args.output} ({len(rendered.content)} bytes)", file=sys.stderr)
    return EXIT_OK


def _letter_known(name: str) -> bool:
    from . import letters

    try:
        letters.get(name)
    except letters.UnknownLetter:
        return False
    return True


def cmd_flow_check(args: argparse.Namespace) -> int:
    """Lint flow files; exit 1 with readable messages on any defect."""
    from . import calculators, letters
    from .config import from_environment
    from .engine import check_paths
    from .paths import flows_dir

    paths = [Path(p) for p in args.paths] or [flows_dir(from_environment()["FLOWS_DIR"])]
    problems = check_paths(paths, _letter_known, lambda n: n in calculators.names(),
                           letters.vocabulary_type)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_USER
    print("flows are fine: " + ", ".join(map(str, paths)))
    return EXIT_OK


def cmd_flow_diagram(args: argparse.Namespace) -> int:
    """Print a flow's state diagram."""
    from .engine import FlowError, load_flow, mermaid, svg
    from .paths import flows_dir

    path = Path(args.flow) if args.flow.endswith((".yaml", ".yml")) else (
        flows_dir() / f"{args.flow}.yaml")
    if not path.is_file():
        _fail(f"no flow called {args.flow!r} (looked for {path})")
    try:
        flow = load_flow(path)
    except FlowError as exc:
        _fail(str(exc))
    print(mermaid(flow) if args.format == "mermaid" else svg(flow))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the app with gunicorn."""
    from .server import serve

    return serve(args.host, args.port, args.workers)


def cmd_chat(args: argparse.Namespace) -> int:
    """Hold the conversation in the terminal."""
    from .terminal import chat

    return chat(args.flow)


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase conversations older than the retention period."""
    from . import create_app
    from .store.models import utcnow

    app = create_app()
    days = args.days if args.days is not None else app.config["RETENTION_DAYS"]
    count = app.extensions["bearings"].store.purge(utcnow() - timedelta(days=days))
    print(f"erased {count} conversation(s) untouched for {days} day(s)")
    return EXIT_OK


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Bring the database to the newest schema (once, before starting instances)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .app import _database_url
    from .config import from_environment, instance_path
    from .store import Store, upgrade

    config = from_environment()
    store = Store(_database_url(config, instance_path(config["INSTANCE_PATH"])))
    try:
        upgrade(store.write_engine)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        _fail(f"cannot migrate the database: {type(exc).__name__}: {reason}")
    finally:
        store.dispose()
    print("the database schema is up to date")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    from .config import from_environment

    env = from_environment()
    top = argparse.ArgumentParser(prog="bearings", description=DESCRIPTION)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="production server (gunicorn)")
    serve.add_argument("--host", default=env["HOST"])
    serve.add_argument("--port", type=int, default=env["PORT"])
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)
    chat = sub.add_parser("chat", help="the conversation in a terminal")
    chat.add_argument("--flow", default="crypto-loss-recovery")
    chat.set_defaults(func=cmd_chat)
    calc = sub.add_parser("calc", help="run one calculator on JSON")
    calc.add_argument("name")
    calc.add_argument("--input", help="JSON file (standard input when absent); "
                                      "for lots, an exchange CSV export also works")
    calc.add_argument("--method", default="fifo", choices=["fifo", "lifo", "hifo"],
                      help="lot method when --input is a CSV")
    calc.set_defaults(func=cmd_calc)
    letter = sub.add_parser("letter", help="render one letter")
    letter.add_argument("type")
    letter.add_argument("--input", required=True)
    letter.add_argument("--format", required=True, choices=["pdf", "docx", "txt", "html"])
    letter.add_argument("--output", required=True)
    letter.set_defaults(func=cmd_letter)
    flow = sub.add_parser("flow", help="check or draw flows")
    flow_sub = flow.add_subparsers(dest="flow_command", required=True, metavar="ACTION")
    check = flow_sub.add_parser("check", help="lint flow files")
    check.add_argument("paths", nargs="*")
    check.set_defaults(func=cmd_flow_check)
    diagram = flow_sub.add_parser("diagram", help="the flow's state diagram")
    diagram.add_argument("flow")
    diagram.add_argument("--format", default="mermaid", choices=["mermaid", "svg"])
    diagram.set_defaults(func=cmd_flow_diagram)
    migrate = sub.add_parser("migrate", help="bring the database to the newest schema")
    migrate.set_defaults(func=cmd_migrate)
    purge = sub.add_parser("purge", help="erase conversations past the retention period")
    purge.add_argument("--days", type=int)
    purge.set_defaults(func=cmd_purge)
    return top


def _reader_gone() -> int:
    """Stop writing to a reader that has gone (``| head``): quietly, as other tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the final flush at exit writes nowhere
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 0 on success, 1 on a user error, 2 on bad usage.

    A reader that stops early (``bearings flow diagram x | head``) ends the command quietly.
    """
    try:
        args = parser().parse_args(argv)
        try:
            code = int(args.func(args))
            sys.stdout.flush()
            return code
        except UserError as exc:
            print(f"bearings: {exc}", file=sys.stderr)
            return EXIT_USER
        except KeyboardInterrupt:
            return EXIT_USER
    except BrokenPipeError:
        return _reader_gone()


if __name__ == "__main__":  # run as `python -m service.cli`: use the one imported module
    from service.cli import main as _main

    sys.exit(_main())
