"""Gazetteer test cases per language: (text, expected (entity, value, role) set)."""
