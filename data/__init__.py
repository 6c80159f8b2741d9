"""Package data of the geo library: the bundled programme, gazetteers and boundary snapshots.

Kept at the top of the repository as `data/` and installed as `geo.data` (see pyproject.toml);
read it through `geo.resources`."""
