"""Geometry: boundaries and their sources, the snapshot, simplification, tiles, web shapes."""
