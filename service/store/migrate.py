"""Apply the Alembic migrations, once, even when several processes start together."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

_HERE = Path(__file__).resolve().parent
_LOCK = 0x6265_6172  # "bear": the PostgreSQL advisory lock taken while migrating


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema."""
    from alembic import command  # loaded only where migrations run, not in every worker
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_HERE / "migrations"))
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK})
                connection.commit()
