"""Posting to a messaging provider's HTTP API, the same way for every channel.

One aiohttp session per client, three attempts with back-off (0.5 s, 1.5 s) on 429, 5xx and
network errors, never on other 4xx (a refused message will be refused again). Logs name the
service and the HTTP status or error code, never the recipient or the text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT_SECONDS = 20


class ApiClient:
    """Base of the provider clients: `whatsapp.GraphAPI` and `twilio_whatsapp.TwilioAPI`."""

    service = "the API"

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._warned = False

    def not_configured(self, what: str) -> bool:
        """Log once that replies cannot be sent (missing credentials); always returns False."""
        if not self._warned:
            logger.warning("%s replies are not sent: set %s", self.service, what)
            self._warned = True
        return False

    async def post_with_retry(
        self,
        url: str,
        error_code: Callable[[aiohttp.ClientResponse], Awaitable[Any]] | None = None,
        **request: Any,
    ) -> bool:
        """POST `request` (json=, data=, headers=, auth=) to `url`; True once accepted."""
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
            self._session = aiohttp.ClientSession(timeout=timeout)
        for attempt in range(ATTEMPTS):
            try:
                async with self._session.post(url, **request) as answer:
                    if answer.status < 300:
                        return True
                    code = await error_code(answer) if error_code else None
                    retry = answer.status == 429 or answer.status >= 500
                    logger.warning(
                        "%s refused a message: HTTP %s, error %s", self.service, answer.status, code
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                retry = True
                logger.warning("%s is unreachable: %s", self.service, type(error).__name__)
            if not retry:
                return False
            if attempt + 1 < ATTEMPTS:
                await asyncio.sleep(0.5 * 3**attempt)
        return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
