"""No two labels of a chart overlap: every text of the rendered SVG is measured with the font a
Debian browser draws it in (DejaVu Sans), placed by its anchor, and compared with every other.
The browser test (tests/e2e/test_reporting_accessible.py) checks the same with the browser's
own text boxes."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from itertools import combinations
from pathlib import Path

import pytest
from PIL import ImageFont

from services.reporting.board_view import BoardCounts, board_view
from services.reporting.charts import (
    Spread,
    incidents_per_month,
    incidents_per_period,
    milestone_chart,
    steps_left_open,
)
from services.reporting.names import Names

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TEXT = re.compile(
    r'<text x="([\d.-]+)" y="([\d.-]+)" font-size="(\d+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>'
)

Box = tuple[float, float, float, float]


def boxes(svg: str) -> list[tuple[str, Box]]:
    """Every text of the SVG with the box it is drawn in (left, top, right, bottom)."""
    found = []
    for x, y, size, anchor, content in TEXT.findall(svg):
        text = unescape(content)
        font = ImageFont.truetype(str(FONT), int(size))
        width = font.getlength(text)
        left = float(x) - {"start": 0, "middle": width / 2, "end": width}[anchor]
        found.append((text, (left, float(y) - 0.8 * int(size), left + width, float(y) + 0.2 * int(size))))
    return found


def overlapping(svg: str) -> list[tuple[str, str]]:
    return [
        (a, b)
        for (a, (l1, t1, r1, b1)), (b, (l2, t2, r2, b2)) in combinations(boxes(svg), 2)
        if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1
    ]


@pytest.fixture(autouse=True)
def font_present() -> None:
    if not FONT.exists():
        pytest.skip("DejaVu Sans ontbreekt (apt-get install fonts-dejavu-core)")


def test_the_measuring_finds_an_overlap() -> None:
    svg = '<text x="10" y="20" font-size="12" text-anchor="start">4 weken</text>'
    svg += '<text x="40" y="20" font-size="12" text-anchor="start">3 maanden</text>'
    assert overlapping(svg) == [("4 weken", "3 maanden")]


def test_the_time_axis_labels_do_not_overlap() -> None:
    chart = milestone_chart(
        [Spread("Politie ingeschakeld", [0.5, 3.0, 30.0, 300.0, 2000.0]), Spread("Materiaal gemeld", [])],
        "t",
        dots=True,
    )
    assert chart is not None
    assert overlapping(chart.svg) == []
    assert "4 weken" in chart.svg and "3 maanden" in chart.svg


def test_month_labels_of_a_single_school_do_not_overlap() -> None:
    months = {f"2026-{m:02d}": {"Uw school": str(m * 7)} for m in range(1, 13)}
    chart = incidents_per_month(months, ["Uw school"], "g")
    assert chart is not None and overlapping(chart.svg) == []


def test_quarter_labels_values_and_long_school_names_do_not_overlap() -> None:
    names = [
        "Openbare Basisschool De Wilgenhof Zuid",
        "Kindcentrum Het Anker",
        "IKC De Vlinder",
        "De Regenboog",
    ]
    series = [*names, "Overige scholen"]
    rows = {
        f"{months} {year}": {name: str(value) for name, value in zip(series, values, strict=True)}
        for (months, year), values in zip(
            [("jan-mrt", 2025), ("apr-jun", 2025), ("jul-sep", 2025), ("okt-dec", 2025)] * 2,
            [(120, 88, 1000, 7, 3456), (0, 5, 12, 999, 1234)] * 4,
            strict=True,
        )
    }
    chart = incidents_per_period(rows, series, "g", "Meldingen per kwartaal en school")
    assert chart is not None and overlapping(chart.svg) == []


def test_the_steps_chart_labels_do_not_overlap() -> None:
    chart = steps_left_open(
        {"Stap 9. Blijf de situatie opvolgen": "1234", "Stap 5. Verwijder de beelden": "<5"}, "g"
    )
    assert chart is not None and overlapping(chart.svg) == []


def test_the_board_chart_of_a_thousand_schools_has_labels_that_do_not_overlap() -> None:
    counts = {f"{2024 + q // 4}-{q % 4 + 1}": Counter({f"school-{s:04d}": (s * q) % 17 for s in range(1000)})
              for q in range(10)}  # fmt: skip
    view = board_view(BoardCounts.of(counts), Names("bestuur-zonder-bestand"))
    chart = incidents_per_period(view.chart_rows, view.series, "g", "Meldingen per kwartaal en school")
    assert chart is not None and overlapping(chart.svg) == []
