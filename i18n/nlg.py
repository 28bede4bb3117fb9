"""A Rasa NLG that renders the domain's responses in the user's language.

Configured in endpoints.yml (`nlg: type: i18n.nlg.CatalogNLG`). The domain keeps only the
English source; translations live in the gettext catalogs, so the domain stays small and
training stays fast whatever the number of languages.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from engine import usage
from i18n.languages import user_language
from i18n.responses import translate_response

logger = logging.getLogger(__name__)

# Responses that mean "I did not understand": counted for staff (`entitlements report`).
FALLBACK_RESPONSES = frozenset({"utter_default"})


class CatalogNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None):
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        filled_slots = tracker.current_slot_values()
        response = self._random_response_for(utter_action, output_channel, filled_slots)
        if response is None:
            return None
        language = user_language(
            filled_slots.get("language"),
            tracker.latest_message.metadata if tracker.latest_message else None,
        )
        if utter_action in FALLBACK_RESPONSES:
            try:  # a counter is never worth a lost reply
                usage.count_in_default_store([("topic", "fallback"), ("language", language)])
            except Exception:
                logger.exception("the fallback counter could not be updated")
        translated = translate_response(utter_action, copy.deepcopy(response), language)
        return self._fill_response(translated, filled_slots, **kwargs)
