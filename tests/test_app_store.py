"""The seam for data that changes while the app runs: one store, read per request."""

from __future__ import annotations

import pytest

from app.store import MemoryStore, Status, Store
from app.views import make_view


def test_memory_store_is_read_only():
    status = Status("1.3.2", "3105", "pagar", comment="Oppstart")
    store = MemoryStore([status])
    assert store.statuses() == {("1.3.2", "3105"): status} and store.version() == "0"
    with pytest.raises(TypeError):
        store.statuses()[("1.3.2", "3105")] = status  # type: ignore[index]
    assert MemoryStore().statuses() == {}


def test_the_app_reads_the_store_it_is_given(app_bundle):
    class Counting:
        """Another store (as a database will be): views reach it through the view."""

        def __init__(self):
            self.reads = 0

        def version(self) -> str:
            self.reads += 1
            return "7"

        def statuses(self):
            return {}

        def reportable(self):
            return frozenset()

        def status_codes(self):
            return {}

        def progress_source(self):
            return {}, frozenset()

        def history(self, measure=None, kommune=None):
            return []

    store: Store = Counting()
    view = make_view(app_bundle, store=store)
    assert view.store is store and view.store.version() == "7"
    assert isinstance(make_view(app_bundle).store, MemoryStore)  # the default
