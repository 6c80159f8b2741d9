"""The load: per municipality, the measures that concern it, each once in its most specific
class (`index`), and the counts every view and export says (`counts`)."""

from geo.load.counts import Counts, CountTable, Partition, count_table, per_1000
from geo.load.index import Filters, LoadIndex, join_shapes

__all__ = [
    "CountTable",
    "Counts",
    "Filters",
    "LoadIndex",
    "Partition",
    "count_table",
    "join_shapes",
    "per_1000",
]
