"""The assistant's NLU: a multilingual gazetteer and the Rasa components that use it.

`nlu.gazetteer` is plain Python (no Rasa import) so the action server and tests can use it
without loading Rasa; `nlu.components` holds the Rasa graph components and is imported by Rasa
from config.yml only.
"""

from nlu.gazetteer import (
    ENTITY_TYPES,
    SUPPORTED_LANGUAGES,
    Gazetteer,
    Match,
    canonical_language,
    get_gazetteer,
)

__all__ = [
    "ENTITY_TYPES",
    "SUPPORTED_LANGUAGES",
    "Gazetteer",
    "Match",
    "canonical_language",
    "get_gazetteer",
]
