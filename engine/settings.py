"""Where the tables and the store live, from the environment with offline defaults.

The embedded default needs no service: a SQLite file under `var/` in the project. Production
points `DATABASE_URL` at PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def tables_dir() -> Path:
    return Path(os.environ.get("ENTITLEMENTS_DIR", PROJECT_ROOT / "entitlements"))


def database_url() -> str:
    default = f"sqlite:///{PROJECT_ROOT / 'var' / 'entitlements.sqlite3'}"
    return os.environ.get("DATABASE_URL", default)
