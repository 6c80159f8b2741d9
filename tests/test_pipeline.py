"""The one pipeline the command line and the app both call."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from geo.load import count_table
from geo.pipeline import build_programme
from geo.settings import Settings
from geo.terms import Layout


def offline(**values) -> Settings:
    return Settings(api_url=None, ssb_url=None, **values)


def test_reading_alone_fetches_nothing_and_loads_no_geometry_library(tmp_path):
    """`extract` and `tags` read, tag and count only: geopandas stays unloaded."""
    code = (
        "import sys\n"
        "from geo.pipeline import build_programme\n"
        "from geo.settings import Settings\n"
        "p = build_programme(Settings(api_url=None, ssb_url=None))\n"
        "print(len(p.measures), p.shapes, p.population, 'geopandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["125", "None", "None", "False"]


def test_shapes_web_shapes_and_population_come_when_asked(shared_kommuner, tmp_path):
    settings = offline(
        boundaries=shared_kommuner / "ostfold-kommuner-2024.geojson", cache_dir=tmp_path
    )
    programme = build_programme(settings, web=True, population=True)
    assert programme.shapes is not None and programme.shapes.kind == Layout.BOUNDARIES
    assert set(programme.web) == {Layout.BOUNDARIES, Layout.TILES}
    assert programme.population is not None and programme.population.source == "snapshot"
    assert programme.has_boundaries and programme.period_label == "2025–2028"
    assert [c.key for c in programme.councils()] == [
        c.key for c in programme.gazetteer.regions if c.key.startswith("ipr-")
    ]


def test_a_reading_with_a_problem_stops_before_anything_is_fetched(programme_text, tmp_path):
    document = tmp_path / "rotete.txt"
    document.write_text(programme_text + "\n9.9.9 Et tiltak utenfor alle planer\n", "utf-8")
    checked = []
    programme = build_programme(
        offline(document=document, cache_dir=tmp_path),
        layout=Layout.AUTO,
        population=True,
        before_fetch=checked.append,
    )
    assert programme.problem and "could not be classified" in programme.problem
    assert (programme.shapes, programme.population, checked) == (None, None, [])


def test_before_fetch_sees_the_programme_and_can_stop_it(tmp_path):
    def refuse(programme):
        assert len(programme.measures) == 125 and programme.shapes is None
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        build_programme(offline(cache_dir=tmp_path), layout=Layout.TILES, before_fetch=refuse)


def test_counts_add_up_in_one_place():
    programme = build_programme(offline())
    index = programme.index
    counts = index.counts(inhabitants=np.full(len(index.numbers), 2000.0))
    assert (counts.specific == counts.named + counts.place + counts.region).all()
    assert (counts.total == counts.specific + counts.common).all()
    assert np.allclose(counts.specific_per_1000, counts.specific / 2)
    i = index.numbers.index("3105")
    row = counts.row(i)
    assert (row.specific, row.total) == (int(counts.specific[i]), int(counts.total[i]))
    table = index.table()
    assert table["specific"].tolist() == counts.specific.tolist()
    assert table["total"].tolist() == counts.total.tolist()
    unknown = count_table(index.partition(), None)
    assert np.isnan(unknown.total_per_1000).all()
