"""Figures as pictures: small SVG charts drawn on the server, beside the tables they summarise.

Every chart is an `<svg role="img">` with a title and a description that says in words what
it shows; the page keeps (or offers) the same figures as a table. Counts below five stay "<5"
in the picture as in the table: such a bar is drawn as a dashed outline up to five, never at
its true height. No inline CSS (the Content-Security-Policy forbids it): presentation
attributes only. Labels are escaped; nothing here names a pupil.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from services.reporting.projections import MILESTONES, SUPPRESS_BELOW, progress
from services.reporting.wording import duration
from shared.protocol.model import Protocol, StepState

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by pattern too:
# each series also carries its own label in the legend and its value above the bar.
PALETTE = ("#1f5f8b", "#a1261d", "#1e6b3a", "#8a4b00", "#5b3a8c", "#00676b", "#7a5c00", "#4a4f57")
INK = "#1d2733"
MUTED = "#56606b"
LINE = "#c9d1da"
FONT = 'font-family="system-ui, sans-serif"'
LAST_MONTHS = 12
MIN_WIDTH = 560


@dataclass(frozen=True)
class Chart:
    """An SVG and the words that say the same."""

    svg: Markup
    summary: str


def _count(value: str) -> int | None:
    """A table cell as a number; None for a suppressed '<5'."""
    return None if value.startswith("<") else int(value)


def _tag(name: str, **attributes: float | str) -> str:
    """An empty SVG element; attribute names with _ are written with -, numbers rounded."""
    written = " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{value:.1f}"'
        if isinstance(value, float)
        else f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for key, value in attributes.items()
    )
    return f"<{name} {written}/>"


def _text(x: float, y: float, content: str, *, size: int = 12, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>'
        f"{escape(content)}</text>"
    )


def _svg(chart_id: str, width: int, height: int, title: str, summary: str, body: list[str]) -> Markup:
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{chart_id}-titel {chart_id}-uitleg" focusable="false">'
    )
    words = (
        f'<title id="{chart_id}-titel">{escape(title)}</title>'
        f'<desc id="{chart_id}-uitleg">{escape(summary)}</desc>'
    )
    # Every value put into the markup above and in `body` is a number, a fixed word or escaped.
    return Markup(opening + words + "".join(body) + "</svg>")  # noqa: S704


def _bar(x: float, y_of: Any, width: float, value: str, colour: str) -> list[str]:
    """One vertical bar with its value above it; a '<5' as a dashed outline up to five."""
    count = _count(value)
    top = y_of(SUPPRESS_BELOW if count is None else count)
    base = y_of(0)
    if count is None:
        shape = (
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{base - top:.1f}" fill="none"'
            f' stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    elif count == 0:
        return []
    else:
        shape = (
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{base - top:.1f}" fill="{colour}"/>'
        )
    return [shape, _text(x + width / 2, top - 4, value, size=11, anchor="middle")]


def text_width(content: str, size: float) -> float:
    """How wide a label is drawn, a little generously (measured on DejaVu Sans, the sans-serif
    of a Debian browser): the charts place their labels so that no two overlap."""
    width = 0.0
    for char in content:
        if char in "iljtf.,:;' |!-()[]":
            width += 0.36
        elif char in "mwMW":
            width += 1.0
        elif char.isupper() or char in "<>=+%#&":
            width += 0.85
        else:
            width += 0.66
    return width * size


def incidents_per_month(
    per_month_and_school: dict[str, dict[str, str]], schools: list[str], chart_id: str
) -> Chart | None:
    """Bars per month, one per school, from the (already suppressed) table; the last twelve
    months, so the picture stays readable (the table beside it has them all)."""
    months = list(per_month_and_school)[-LAST_MONTHS:]
    rows = {_month_label(month): per_month_and_school[month] for month in months}
    title = "Meldingen per maand" + (" en school" if len(schools) > 1 else "")
    return incidents_per_period(rows, schools, chart_id, title)


def incidents_per_period(
    rows: dict[str, dict[str, str]], series: list[str], chart_id: str, title: str
) -> Chart | None:
    """Grouped bars: per period (its label) one bar per series, with its value above it. Each
    bar is as wide as its widest value and each group as wide as its label, so nothing
    written overlaps; the legend has a line per series."""
    if not rows:
        return None
    values = [v for counts in rows.values() for v in counts.values()]
    highest = max([2 * SUPPRESS_BELOW] + [c for v in values if (c := _count(v)) is not None])
    top_value = _nice_ceiling(highest)
    slot = max(14.0, max(text_width(v, 11) for v in values) + 4)
    group_width = max(40.0, slot * len(series) + 16, max(text_width(label, 12) for label in rows) + 12)
    left, right, top, bottom = 40, 10, 20, 48 + 18 * len(series) + 10
    width = max(MIN_WIDTH, math.ceil(left + right + group_width * len(rows)))
    height = 220 + bottom
    plot_bottom = height - bottom

    def y_of(v: float) -> float:
        return plot_bottom - (plot_bottom - top) * v / top_value

    body = _y_axis(left, width - right, y_of, top_value)
    for g, (label, counts) in enumerate(rows.items()):
        x0 = left + g * group_width + 8
        bars_width = slot * len(series)
        start = x0 + (group_width - 16 - bars_width) / 2
        for s, name in enumerate(series):
            value = counts.get(name, "0")
            body += _bar(start + s * slot, y_of, slot - 2, value, PALETTE[s % len(PALETTE)])
        body.append(_text(x0 + (group_width - 16) / 2, plot_bottom + 16, label, anchor="middle"))
    body += _legend(series, left, plot_bottom + 40)
    body.append(
        _text(left, height - 4, "Gestippeld: minder dan 5 (niet precies getoond).", size=11, fill=MUTED)
    )
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{name} {counts.get(name, '0')}" for name in series)
        for label, counts in rows.items()
    )
    return Chart(_svg(chart_id, width, height, title, summary + ".", body), summary)


def steps_left_open(counts: dict[str, str], chart_id: str) -> Chart | None:
    """Horizontal bars: how often each step was still open when an incident was closed."""
    if not counts:
        return None
    highest = max([2 * SUPPRESS_BELOW] + [c for v in counts.values() if (c := _count(v)) is not None])
    top_value = _nice_ceiling(highest)
    left, width, row = 10, MIN_WIDTH, 42
    height = 20 + row * len(counts) + 24
    plot_width = width - left - 60
    body = []
    for i, (step, value) in enumerate(counts.items()):
        y = 20 + i * row
        body.append(_text(left, y + 12, step))
        count = _count(value)
        length = plot_width * (SUPPRESS_BELOW if count is None else count) / top_value
        box = {"x": float(left), "y": float(y + 18), "width": length, "height": 14.0}
        if count is None:
            body.append(
                _tag("rect", **box, fill="none", stroke=PALETTE[3], stroke_width=1.5, stroke_dasharray="4 3")
            )
        else:
            body.append(_tag("rect", **box, fill=PALETTE[3]))
        body.append(_text(left + length + 6, y + 30, value))
    body.append(
        _text(left, height - 6, "Gestippeld: minder dan 5 (niet precies getoond).", size=11, fill=MUTED)
    )
    summary = "; ".join(f"{step}: {value} keer open" for step, value in counts.items())
    return Chart(
        _svg(
            chart_id, width, height, "Stappen die open bleven bij afgesloten meldingen", summary + ".", body
        ),
        summary,
    )


@dataclass(frozen=True)
class Spread:
    """Hours from the report to one milestone, over incidents: every value, or (for the
    board) each distinct value with how many incidents took that long."""

    label: str
    hours: list[float]
    counts: list[int] | None = None

    @classmethod
    def counted(cls, label: str, buckets: list[tuple[float, int]]) -> Spread:
        ordered = sorted(b for b in buckets if b[1] > 0)
        return cls(label, [value for value, _ in ordered], [count for _, count in ordered])

    @property
    def size(self) -> int:
        return len(self.hours) if self.counts is None else sum(self.counts)

    @property
    def shown(self) -> bool:
        return self.size >= SUPPRESS_BELOW

    def quartiles(self) -> tuple[float, float, float]:
        """As statistics.quantiles(n=4, method="inclusive") over every incident's value."""
        last = self.size - 1
        found = []
        for i in (1, 2, 3):
            j, delta = divmod(i * last, 4)
            low, high = self._at(j), self._at(min(j + 1, last))
            found.append((low * (4 - delta) + high * delta) / 4)
        return found[0], found[1], found[2]

    def _at(self, index: int) -> float:
        if self.counts is None:
            return self.hours[index]
        seen = 0
        for value, count in zip(self.hours, self.counts, strict=True):
            seen += count
            if index < seen:
                return value
        raise IndexError(index)


def time_to_milestones(all_facts: list[dict[str, Any]], protocols: Any, today: date) -> list[Spread]:
    """Per milestone the hours it took, from every incident that reached it."""
    hours: dict[str, list[float]] = {key: [] for key in MILESTONES}
    for facts in all_facts:
        protocol: Protocol = protocols(facts["protocol_id"])
        for key, value in progress(facts, protocol, today).hours_to.items():
            if value is not None:
                hours[key].append(value)
    return [Spread(MILESTONES[key][0], sorted(values)) for key, values in hours.items()]


def steps_open_at_closing(all_facts: list[dict[str, Any]], protocols: Any, today: date) -> dict[str, str]:
    """For a school: per step, how many closed incidents still had it open (suppressed)."""
    counts: dict[str, int] = {}
    for facts in all_facts:
        if facts["status"] != "gesloten":
            continue
        for step in progress(facts, protocols(facts["protocol_id"]), today).steps:
            if step.state is StepState.OPEN:
                name = f"Stap {step.step.number}. {step.step.title}"
                counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return {name: (f"<{SUPPRESS_BELOW}" if n < SUPPRESS_BELOW else str(n)) for name, n in ordered}


_HOUR_TICKS = ((1, "1 uur"), (24, "1 dag"), (168, "1 week"), (672, "4 weken"), (2160, "3 maanden"))


def milestone_chart(spreads: list[Spread], chart_id: str, *, dots: bool) -> Chart | None:
    """Time from the report to each milestone on a logarithmic axis: every incident as a dot
    (for a school, its own incidents), or, for the board, a box from the first to the third
    quartile with the median, only where at least five incidents reached the milestone."""
    if not any(s.hours for s in spreads):
        return None
    left, right, row, top = 190, 40, 44, 10
    width = 720
    height = top + row * len(spreads) + 40
    low, high = math.log10(0.5), math.log10(2160)

    def x_of(hours: float) -> float:
        h = min(max(hours, 0.5), 2160)
        return left + 12 + (width - left - right - 12) * (math.log10(h) - low) / (high - low)

    body = []
    axis_y = top + row * len(spreads) + 4
    written_until = -math.inf
    for tick, label in _HOUR_TICKS:
        x = x_of(tick)
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="{LINE}" stroke-width="1"/>'
        )
        half = text_width(label, 11) / 2
        if x - half > written_until + 4:  # a label that would touch the one before is left out
            body.append(_text(x, axis_y + 16, label, size=11, anchor="middle", fill=MUTED))
            written_until = x + half
    sentences = []
    for i, spread in enumerate(spreads):
        y = top + i * row + row / 2
        body.append(_text(left - 8, y + 4, spread.label, anchor="end"))
        if dots:
            for hours in spread.hours:
                body.append(
                    _tag(
                        "circle",
                        cx=x_of(hours),
                        cy=y,
                        r=5.0,
                        fill="none",
                        stroke=PALETTE[0],
                        stroke_width=2.0,
                    )
                )
            if spread.hours:
                sentences.append(
                    f"{spread.label}: {len(spread.hours)} melding(en), van {duration(spread.hours[0])}"
                    f" tot {duration(spread.hours[-1])}"
                )
            else:
                sentences.append(f"{spread.label}: nog bij geen melding")
        elif spread.shown:
            q1, median, q3 = spread.quartiles()
            width_of_box = max(2.0, x_of(q3) - x_of(q1))
            box = {"x": x_of(q1), "y": y - 9, "width": width_of_box, "height": 18.0}
            body.append(_tag("rect", **box, fill="#dbe7f0", stroke=PALETTE[0], stroke_width=1.5))
            mid = x_of(median)
            body.append(_tag("line", x1=mid, y1=y - 12, x2=mid, y2=y + 12, stroke=INK, stroke_width=3.0))
            sentences.append(
                f"{spread.label}: de helft van de meldingen tussen {duration(q1)} en {duration(q3)},"
                f" mediaan {duration(median)}"
            )
        else:
            body.append(_text(left + 4, y + 4, "te weinig meldingen om te tonen", size=11, fill=MUTED))
            sentences.append(f"{spread.label}: te weinig meldingen om te tonen")
    title = "Tijd vanaf de melding tot elke stap" + (
        " per melding" if dots else " (middelste helft en mediaan)"
    )
    summary = "; ".join(sentences)
    return Chart(_svg(chart_id, width, height, title, summary + ".", body), summary)


def _nice_ceiling(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step:
            return step
    return int(math.ceil(value / 1000) * 1000)


def _y_axis(left: float, right: float, y_of: Any, top_value: int) -> list[str]:
    parts = []
    for tick in (0, top_value // 2, top_value):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{LINE}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, str(tick), size=11, anchor="end", fill=MUTED))
    return parts


def _legend(series: list[str], x: float, y: float) -> list[str]:
    parts = []
    for i, name in enumerate(series):
        ly = y + i * 18
        parts.append(_tag("rect", x=x, y=ly - 10, width=12.0, height=12.0, fill=PALETTE[i % len(PALETTE)]))
        parts.append(_text(x + 18, ly, name))
    return parts


_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _month_label(month: str) -> str:
    """'2026-03' as 'mrt 2026'."""
    year, _, number = month.partition("-")
    return f"{_MONTHS[int(number) - 1]} {year}" if number.isdigit() and 1 <= int(number) <= 12 else month


def board_charts(
    overview: Any, view: Any, hours: dict[str, list[tuple[float, int]]], channel_name: Any
) -> dict[str, Any]:
    """The board overview's pictures, each of at most a few dozen marks whatever the number of
    schools; the tables below them have every figure. The time to each step is read from the
    board's running totals (per step, how many incidents took how long)."""
    spreads = [Spread.counted(label, hours.get(key, [])) for key, (label, _) in MILESTONES.items()]
    title = "Meldingen per kwartaal" + (" en school" if len(view.series) > 1 else "")
    return {
        "per_quarter": incidents_per_period(view.chart_rows, view.series, "grafiek-per-kwartaal", title),
        "milestones": milestone_chart(spreads, "grafiek-tijden", dots=False),
        "left_open": steps_left_open(overview.skipped_steps, "grafiek-open-stappen"),
        "channels": {channel_name(code): count for code, count in overview.channels.items()},
    }


def school_charts(all_facts: list[dict[str, Any]], protocol_of: Any, today: date) -> dict[str, Any]:
    """The school overview's pictures, with the per-month figures as a table beside them."""
    counts: dict[str, int] = {}
    for facts in all_facts:
        counts[facts["opened_at"][:7]] = counts.get(facts["opened_at"][:7], 0) + 1
    per_month = {
        month: {"Uw school": f"<{SUPPRESS_BELOW}" if 0 < n < SUPPRESS_BELOW else str(n)}
        for month, n in sorted(counts.items())
    }
    spreads = time_to_milestones(all_facts, protocol_of, today)
    return {
        "per_month_table": {_month_label(month): counts for month, counts in per_month.items()},
        "per_month": incidents_per_month(per_month, ["Uw school"], "grafiek-per-maand"),
        "spreads": spreads,
        "milestones": milestone_chart(spreads, "grafiek-tijden", dots=True),
        "left_open": steps_left_open(
            steps_open_at_closing(all_facts, protocol_of, today), "grafiek-open-stappen"
        ),
    }
