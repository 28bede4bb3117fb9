"""Rasa input channels of our own: web chat (and, later, the WhatsApp channels)."""
