"""Tagging: measures to the municipalities, regions and places they name (gazetteer, tagger)."""
