"""The overview charts: SVG with words, small counts never drawn at their height."""

from __future__ import annotations

import re
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.reporting.charts import Spread, incidents_per_month, milestone_chart, steps_left_open


def test_a_bar_chart_says_in_words_what_it_shows() -> None:
    chart = incidents_per_month(
        {"2026-10": {"de-wilg": "7", "het-anker": "0"}}, ["de-wilg", "het-anker"], "g"
    )
    assert chart is not None
    assert 'role="img"' in chart.svg and 'aria-labelledby="g-titel g-uitleg"' in chart.svg
    assert '<title id="g-titel">Meldingen per maand en school</title>' in chart.svg
    assert "okt 2026: de-wilg 7, het-anker 0" in chart.summary
    assert "style=" not in chart.svg  # the Content-Security-Policy allows no inline styles


def test_a_small_count_is_a_dashed_outline_up_to_five_labelled_lt_5() -> None:
    small = incidents_per_month({"2026-10": {"a": "<5"}}, ["a"], "g")
    five = incidents_per_month({"2026-10": {"a": "5"}}, ["a"], "g")
    assert small is not None and five is not None
    assert "&lt;5" in small.svg and 'stroke-dasharray="4 3"' in small.svg
    height = re.compile(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"')
    # Drawn as tall as five, whatever the true count below five is.
    assert height.findall(small.svg)[-1] == height.findall(five.svg)[-1]


def test_labels_are_escaped() -> None:
    chart = steps_left_open({"<script>x</script>": "6"}, "g")
    assert chart is not None and "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg


def test_the_board_sees_boxes_only_where_five_incidents_reached_the_step() -> None:
    spreads = [
        Spread("Politie ingeschakeld", [1.0, 2.0, 3.0, 4.0, 30.0]),
        Spread("Materiaal gemeld", [5.0, 6.0]),
    ]
    chart = milestone_chart(spreads, "t", dots=False)
    assert chart is not None
    assert (
        "Politie ingeschakeld: de helft van de meldingen tussen 2 uur en 4 uur, mediaan 3 uur"
        in chart.summary
    )
    assert "Materiaal gemeld: te weinig meldingen om te tonen" in chart.summary
    assert "<circle" not in chart.svg


def test_a_school_sees_each_of_its_incidents_as_a_dot() -> None:
    chart = milestone_chart([Spread("Politie ingeschakeld", [2.0, 72.0])], "t", dots=True)
    assert chart is not None and chart.svg.count("<circle") == 2
    assert "2 melding(en), van 2 uur tot 3 dagen" in chart.summary


def test_nothing_to_draw_gives_no_chart() -> None:
    assert incidents_per_month({}, [], "g") is None
    assert steps_left_open({}, "g") is None
    assert milestone_chart([Spread("Politie ingeschakeld", [])], "t", dots=True) is None


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 4)), min_size=1, max_size=30))
def test_quartiles_from_counted_hours_equal_those_over_every_incident(buckets) -> None:
    merged: dict[float, int] = {}
    for tenths, count in buckets:
        merged[tenths / 10] = merged.get(tenths / 10, 0) + count
    every = sorted(value for value, count in merged.items() for _ in range(count))
    counted = Spread.counted("Politie ingeschakeld", list(merged.items()))
    assert counted.size == len(every)
    if len(every) >= 2:
        expected = statistics.quantiles(every, n=4, method="inclusive")
        assert counted.quartiles() == pytest.approx(tuple(expected), abs=1e-9)
        assert Spread("Politie ingeschakeld", every).quartiles() == pytest.approx(tuple(expected), abs=1e-9)


def test_the_board_chart_is_drawn_from_the_totals_as_from_every_incident() -> None:
    every = [0.5, 2.0, 2.0, 3.5, 30.0, 30.0, 200.0]
    from_facts = milestone_chart([Spread("Politie ingeschakeld", every)], "t", dots=False)
    counted = Spread.counted("Politie ingeschakeld", [(30.0, 2), (0.5, 1), (2.0, 2), (3.5, 1), (200.0, 1)])
    from_totals = milestone_chart([counted], "t", dots=False)
    assert from_facts is not None and from_totals is not None and from_totals.svg == from_facts.svg
    few = milestone_chart([Spread.counted("Politie ingeschakeld", [(2.0, 4)])], "t", dots=False)
    assert few is not None and "te weinig meldingen om te tonen" in few.summary  # four: "<5", no box
