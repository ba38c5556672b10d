"""The board's and the OTV's overview at a size a person can read, at two schools or at a
thousand: per quarter instead of per month, a chart of the last eight quarters with the schools
that had the most incidents in them and the rest together as "overige scholen" (at most forty
bars), and every school's figures in a table below it, a page of schools at a time.

Read from the board's running totals (services/reporting/overview.py); counts below five are
shown as "<5" after adding up, so a group of small schools is counted, not hidden.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.names import Names
from services.reporting.overview import MONTH_AND_SCHOOL
from services.reporting.projections import suppressed
from services.reporting.wording import number

QUARTERS_SHOWN = 8
TOP_SCHOOLS = 4
SCHOOLS_PER_PAGE = 25
OTHERS = "Overige scholen"
_QUARTER_MONTHS = ("jan-mrt", "apr-jun", "jul-sep", "okt-dec")


def quarter_of(month: str) -> str:
    """'2026-11' as '2026-4'."""
    year, _, number_of_month = month.partition("-")
    return f"{year}-{(int(number_of_month) - 1) // 3 + 1}"


def quarter_label(quarter: str) -> str:
    """'2026-4' as 'okt-dec 2026'."""
    year, _, which = quarter.partition("-")
    return f"{_QUARTER_MONTHS[int(which) - 1]} {year}"


def _quarters_until(last: str, count: int) -> list[str]:
    """The `count` quarters that end with `last`."""
    year, which = (int(part) for part in last.split("-"))
    index = year * 4 + which - 1
    return [f"{i // 4}-{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def _quarter_after(quarter: str, steps: int) -> str:
    year, which = (int(part) for part in quarter.split("-"))
    index = year * 4 + which - 1 + steps
    return f"{index // 4}-{index % 4 + 1}"


def per_quarter_and_school(totals: Iterable[tuple[str, str, int]]) -> dict[str, Counter[str]]:
    """Quarter -> school -> how many incidents were opened, from the board's totals."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, item, count in totals:
        if kind == MONTH_AND_SCHOOL and count > 0:
            month, school = item.split("|", 1)
            counts[quarter_of(month)][school] += count
    return counts


@dataclass(frozen=True)
class SchoolRow:
    """One school's line of the table: per quarter shown, before them, and in all."""

    school_id: str
    name: str
    per_quarter: list[str]
    earlier: str
    total: str


@dataclass(frozen=True)
class BoardView:
    """What the overview page shows of the incidents per quarter and school."""

    quarters: list[str]
    quarter_labels: list[str]
    chart_rows: dict[str, dict[str, str]]  # quarter label -> series -> count (suppressed)
    series: list[str]
    rows: list[SchoolRow]
    all_schools: SchoolRow
    page: int
    pages: int
    schools_found: int
    search: str
    notice: str  # a sentence when what was asked for has no figures
    newest: str = ""  # the newest quarter with figures

    @property
    def earlier(self) -> str:
        """The last quarter of the eight before those shown."""
        return _quarter_after(self.quarters[0], -1) if self.quarters else ""

    @property
    def later(self) -> str:
        """The last quarter of the eight after those shown, if there are figures after them."""
        if not self.quarters or self.quarters[-1] >= self.newest:
            return ""
        return min(_quarter_after(self.quarters[-1], QUARTERS_SHOWN), self.newest)


def board_view(
    counts: dict[str, Counter[str]], names: Names, *, page: int = 1, until: str = "", search: str = ""
) -> BoardView:
    """The chart's figures and one page of the table. `until` (a quarter, '2026-4') is the last
    quarter shown, the newest with figures by default; `search` keeps the schools whose name or
    code holds it."""
    every_school = sorted({school for per_school in counts.values() for school in per_school})
    newest = max(counts, default="")
    last = until if _is_quarter(until) else newest
    quarters = _quarters_until(last, QUARTERS_SHOWN) if last else []
    labels = [quarter_label(q) for q in quarters]
    named = {school: names.school(school) for school in every_school}
    search = search.strip()
    found = (
        [s for s in every_school if search.lower() in f"{s} {named[s]}".lower()] if search else every_school
    )
    found.sort(key=lambda s: (named[s].lower(), s))
    pages = max(1, math.ceil(len(found) / SCHOOLS_PER_PAGE))
    shown = found[(page - 1) * SCHOOLS_PER_PAGE : page * SCHOOLS_PER_PAGE] if 1 <= page <= pages else []
    rows = [_row(school, named[school], counts, quarters) for school in shown]
    everyone = _sum_row(counts, quarters, every_school)
    in_shown = sum(counts.get(q, Counter()).total() for q in quarters)
    chart_rows, series = _chart(counts, quarters, labels, named) if in_shown else ({}, [])
    return BoardView(
        quarters, labels, chart_rows, series, rows, everyone, page, pages, len(found), search,
        _notice(counts, found, search, page, pages, quarters, labels, in_shown), newest,
    )  # fmt: skip


def _is_quarter(value: str) -> bool:
    year, _, which = value.partition("-")
    return year.isdigit() and len(year) == 4 and which in ("1", "2", "3", "4")


def _row(school: str, name: str, counts: dict[str, Counter[str]], quarters: list[str]) -> SchoolRow:
    shown = [counts.get(q, Counter())[school] for q in quarters]
    total = sum(per_school[school] for per_school in counts.values())
    earlier = sum(c[school] for q, c in counts.items() if quarters and q < quarters[0])
    return SchoolRow(school, name, [_cell(n) for n in shown], _cell(earlier), _cell(total))


def _sum_row(counts: dict[str, Counter[str]], quarters: list[str], schools: list[str]) -> SchoolRow:
    shown = [counts.get(q, Counter()).total() for q in quarters]
    earlier = sum(c.total() for q, c in counts.items() if quarters and q < quarters[0])
    total = sum(c.total() for c in counts.values())
    return SchoolRow(
        "", f"Alle {len(schools)} scholen", [_cell(n) for n in shown], _cell(earlier), _cell(total)
    )


def _cell(count: int) -> str:
    return number(suppressed(count))


def _chart(
    counts: dict[str, Counter[str]], quarters: list[str], labels: list[str], named: dict[str, str]
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Per quarter shown: the schools with the most incidents in those quarters, and the rest
    as one series; at most TOP_SCHOOLS + 1 bars a quarter."""
    in_period: Counter[str] = Counter()
    for q in quarters:
        in_period.update(counts.get(q, Counter()))
    ranked = sorted(in_period, key=lambda s: (-in_period[s], named[s].lower()))
    top = ranked if len(ranked) <= TOP_SCHOOLS + 1 else ranked[:TOP_SCHOOLS]
    rest = [s for s in ranked if s not in top]
    series = [named[s] for s in top] + ([OTHERS] if rest else [])
    rows = {}
    for q, label in zip(quarters, labels, strict=True):
        per_school = counts.get(q, Counter())
        values = {named[s]: suppressed(per_school[s]) for s in top}
        if rest:
            values[OTHERS] = suppressed(sum(per_school[s] for s in rest))
        rows[label] = values
    return rows, series


def _notice(
    counts: dict[str, Counter[str]], found: list[str], search: str, page: int, pages: int,
    quarters: list[str], labels: list[str], in_shown: int,
) -> str:  # fmt: skip
    if not counts:
        return "Er zijn nog geen meldingen bij de scholen van dit bestuur."
    if search and not found:
        return f"Geen school met '{search}' in de naam of code heeft meldingen."
    if not 1 <= page <= pages:
        return f"Pagina {page} bestaat niet; de tabel heeft {pages} pagina('s)."
    if not in_shown:
        return f"Van {labels[0]} tot en met {labels[-1]} zijn er geen meldingen gedaan."
    return ""
