"""Live updates: the running server picks up edited table files without a restart.

`LiveTables` looks at the table files' (path, mtime, size) every second in a daemon thread. When
they change it loads and validates the folder (`engine.loader.load_tables`); a clean table is
compiled into the store with `Store.replace` (one transaction, recorded in the version table), a
table with errors is refused: the previous version keeps serving and the problems, each with its
`file:line:column`, are logged and kept for `status()`. Plain Python, no Rasa.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

from engine import settings
from engine.loader import load_tables, table_files
from engine.model import TableVersion
from engine.store import EmptyStore, Store

logger = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def signature(root: Path) -> Signature:
    """What the poll compares: each table file's path, modification time and size."""
    found = []
    for path in table_files(root):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between listing and stat: the next poll sees it
            continue
        found.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class LiveTables:
    """Keeps `store` compiled from the table folder `root` while the process runs."""

    def __init__(self, store: Store, root: Path | str | None = None, interval: float = 1.0) -> None:
        self.store = store
        self.root = Path(root or settings.tables_dir())
        self.interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: Signature | None = None
        self._loaded_at: dt.datetime | None = None
        self._last_error: list[str] | None = None
        self._last_checked: dt.datetime | None = None

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> LiveTables:
        """Bring the store up to date with the files now, then keep watching in the background."""
        self.check()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"live-tables:{self.root}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # a broken database must not kill the watcher
                logger.exception("checking the entitlement tables in %s failed", self.root)

    # --- one poll -------------------------------------------------------------------------
    def check(self) -> TableVersion | None:
        """Reload if the files changed since the last look; the version published, if any."""
        with self._lock:
            self._last_checked = _now()
            seen = signature(self.root)
            if seen == self._seen:
                return None
            tables = load_tables(self.root)
            if signature(self.root) != seen:
                return None  # edited while we read it: look again at the next poll
            self._seen = seen
            if not tables.ok:
                self._last_error = [str(p) for p in tables.errors]
                logger.error(
                    "entitlement tables in %s refused, the previous version keeps serving:\n%s",
                    self.root,
                    "\n".join(self._last_error),
                )
                return None
            self._last_error = None
            live = self._active()
            if live is not None and live.content_hash == tables.content_hash():
                if self._loaded_at is None:
                    self._loaded_at = _now()
                return None  # already the live table (unchanged, or reverted to it)
            version = self.store.replace(tables)
            self._loaded_at = _now()
            logger.info(
                "entitlement table version %s (%s) is live; changed: %s",
                version.id,
                version.content_hash,
                ", ".join(version.changed) or "-",
            )
            return version

    def _active(self) -> TableVersion | None:
        try:
            return self.store.version()
        except EmptyStore:
            return None

    # --- health ---------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """The live version and the outcome of the last edit, as JSON-ready values."""
        live = self._active()
        with self._lock:
            return {
                "version": live.id if live else None,
                "content_hash": live.content_hash if live else None,
                "compiled_at": _iso(live.compiled_at) if live else None,
                "changed": list(live.changed) if live else [],
                "loaded_at": _iso(self._loaded_at),
                "last_error": list(self._last_error) if self._last_error else None,
                "last_checked": _iso(self._last_checked),
                "tables_dir": str(self.root),
            }


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # the store keeps UTC without a zone
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.isoformat()
