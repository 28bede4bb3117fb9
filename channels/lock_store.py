"""A Redis lock store whose ticket updates are atomic, for several Rasa servers on one Redis.

Why: Rasa 3.6's `RedisLockStore` issues, expires and returns tickets by reading the serialised
lock, changing it in Python and writing it back. Two servers receiving one person's messages at
the same moment both read the lock before either wrote it, both got ticket 0, processed the two
turns at once, and the later tracker save dropped the other turn's events (measured in
`tests/integration/test_scale_out.py`: one of two simultaneous messages missing from the
tracker store; RasaHQ/rasa#9213; the fix, `ConcurrentRedisLockStore`, is not in Rasa Open Source).
Here every read-modify-write runs in a WATCH/MULTI transaction, retried when another server
changed the lock in between, so tickets are unique and served in order across servers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

__all__ = ["AtomicRedisLockStore"]

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` with atomic ticket changes. endpoints.yml:

    lock_store:
      type: channels.lock_store.AtomicRedisLockStore
      url: <host>   # and port, db, password, key_prefix as for `type: redis`
    """

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store given by module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        kwargs.pop("type", None)
        super().__init__(**kwargs)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock], T], create: bool
    ) -> T | None:
        """Run `change` on the stored lock and store the result, atomically: WATCH the key,
        read, change, write in MULTI; start again if another server changed the key meanwhile.
        Without a stored lock: a new one if `create`, else nothing happens (None). The lock is
        saved while it has tickets and deleted when it has none."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw:
                        lock = TicketLock.from_dict(json.loads(raw))
                    elif create:
                        lock = self.create_lock(conversation_id)
                    else:
                        pipe.unwatch()
                        return None
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket, unique across servers."""
        try:
            ticket = self._change(
                conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True
            )
        except Exception as error:  # Rasa's callers expect LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        assert ticket is not None
        return ticket

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (a server that died holding one must not block the person)."""
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets(), create=False)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket; the lock is deleted with its last ticket."""
        self._change(
            conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), create=False
        )

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)
