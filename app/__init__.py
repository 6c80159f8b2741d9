"""The Tiltakskart Dash app: layout and callbacks over the geo library."""
