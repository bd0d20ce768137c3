"""Settings declared as data: each with its environment variable, default and help."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _origins(value: str) -> list[str]:
    return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Setting:
    """One setting: where it comes from, its default and what it does."""

    env: str
    key: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("BEARINGS_DATABASE_URL", "DATABASE_URL", None,
            "SQLAlchemy URL. Default: SQLite at instance/bearings.db. Use "
            "postgresql+psycopg://user@host/db to run several instances."),
    Setting("BEARINGS_SECRET_KEY", "SECRET_KEY", None,
            "Signs cookies. When unset, one is generated once and kept in instance/secret_key."),
    Setting("BEARINGS_ALLOWED_ORIGINS", "ALLOWED_ORIGINS", [],
            "Comma-separated origins (https://help.example.com) that may embed the widget.",
            _origins),
    Setting("BEARINGS_RATE_LIMIT", "RATE_LIMIT", "120/minute",
            "Requests allowed per client, such as 120/minute; 'off' disables the limit."),
    Setting("BEARINGS_REDIS_URL", "REDIS_URL", None,
            "Redis URL for rate limits shared by several instances (memory when unset)."),
    Setting("BEARINGS_RETENTION_DAYS", "RETENTION_DAYS", 90,
            "`bearings purge` erases conversations untouched for this many days.", int),
    Setting("BEARINGS_MAX_UPLOAD_BYTES", "MAX_UPLOAD_BYTES", 20 * 1024 * 1024,
            "Largest upload or request body accepted, in bytes (413 beyond).", int),
    Setting("BEARINGS_AUTO_MIGRATE", "AUTO_MIGRATE", True,
            "Apply database migrations when the app starts ('off' when run separately).", _flag),
    Setting("BEARINGS_INSTANCE_PATH", "INSTANCE_PATH", None,
            "Folder for the SQLite database and the generated secret key. Default: ./instance."),
    Setting("BEARINGS_FLOWS_DIR", "FLOWS_DIR", None,
            "Folder of flow files (*.yaml) to serve instead of the shipped flows/."),
    Setting("BEARINGS_TRUSTED_PROXIES", "TRUSTED_PROXIES", 0,
            "How many proxies in front of the app to trust for X-Forwarded-For, -Proto, -Host "
            "and -Port (0: trust none). Set it behind a load balancer so rate limits count "
            "each client and cookies are Secure over HTTPS.", int),
    Setting("BEARINGS_LOG_LEVEL", "LOG_LEVEL", "info",
            "Level of the JSON-lines log on standard error: debug, info (a line per request), "
            "warning or error."),
    Setting("HOST", "HOST", "127.0.0.1", "Address `make run` and `bearings serve` listen on."),
    Setting("PORT", "PORT", 8000, "Port `make run` and `bearings serve` listen on.", int),
)


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, overridden by the environment."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        values[setting.key] = setting.default if raw in (None, "") else setting.parse(raw)
    return values


def instance_path(configured: str | None) -> Path:
    """Return the instance folder, created if needed."""
    path = Path(configured) if configured else Path.cwd() / "instance"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def secret_key(instance: Path) -> str:
    """Return the kept secret key, generating it once (mode 0600) when absent."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()
