"""Follow-up of the measures: statuses per measure and municipality, who may change them, and
their history, kept in a database (SQLite by default, PostgreSQL when configured).

A room beside `geo/` and `app/`: it imports neither the app nor the pipeline; the app reads it
through one store (`followup.store.DatabaseStore`), the command line manages it
(`followup.cli`).
"""
