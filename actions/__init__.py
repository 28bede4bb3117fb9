"""Custom actions: thin adapters from Rasa's tracker to the engine and the i18n layer."""
