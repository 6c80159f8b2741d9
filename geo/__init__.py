"""Tiltakskart's library, in wings along the data flow: reading (text → measures), tagging
(measures → tags), fetch (web APIs and their caches), geometry (boundaries and shapes), load
(tags → counts per municipality), outputs (files), over root modules of shared words and
under `pipeline`, which builds a programme from settings. See the README's "Layout"."""
