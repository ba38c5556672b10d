"""The board's and the OTV's overview at a size a person can read, at two schools or at a
thousand: per quarter instead of per month, a chart of the last eight quarters with the schools
that had the most incidents in them and the rest together as "overige scholen" (at most forty
bars), and every school's figures in a table below it, a page of schools at a time.

Read from the board's running totals (services/reporting/overview.py): per quarter and school
for the eight quarters shown, and per school in all, so the page reads the schools of two
years at most, whatever the store holds. Counts below five are shown as "<5" after adding up,
so a group of small schools is counted, not hidden.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.names import Names
from services.reporting.overview import MONTH_AND_SCHOOL, QUARTER_AND_SCHOOL, SCHOOL, TOTAL, quarter_of
from services.reporting.projections import suppressed
from services.reporting.store import ReportStore
from services.reporting.wording import number

QUARTERS_SHOWN = 8
TOP_SCHOOLS = 4
SCHOOLS_PER_PAGE = 25
OTHERS = "Overige scholen"
_QUARTER_MONTHS = ("jan-mrt", "apr-jun", "jul-sep", "okt-dec")


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


@dataclass(frozen=True)
class BoardCounts:
    """The counts the table and the chart are made of: per quarter and school for the quarters
    shown, per school and in all for every quarter, and the newest quarter with incidents."""

    per_quarter: dict[str, Counter[str]]
    per_school: Counter[str]
    total: int
    newest: str

    @classmethod
    def read(cls, store: ReportStore, board_id: str, until: str = "") -> BoardCounts:
        """From the store, for the eight quarters up to `until` (the newest by default)."""
        newest = store.board_last_item(board_id, QUARTER_AND_SCHOOL).split("|", 1)[0]
        last = until if _is_quarter(until) else newest
        per_quarter: dict[str, Counter[str]] = defaultdict(Counter)
        if last:
            first, after = _quarters_until(last, QUARTERS_SHOWN)[0], _quarter_after(last, 1)
            for item, count in store.board_items_between(board_id, QUARTER_AND_SCHOOL, first, after):
                quarter, school = item.split("|", 1)
                per_quarter[quarter][school] += count
        totals = store.board_totals(board_id, (SCHOOL, TOTAL))
        per_school = Counter({item: count for kind, item, count in totals if kind == SCHOOL})
        total = sum(count for kind, _, count in totals if kind == TOTAL)
        return cls(dict(per_quarter), per_school, total, newest)

    @classmethod
    def of(cls, per_quarter: dict[str, Counter[str]]) -> BoardCounts:
        """From the counts of every quarter (for the tests)."""
        per_school: Counter[str] = Counter()
        for counts in per_quarter.values():
            per_school.update(counts)
        return cls(per_quarter, per_school, per_school.total(), max(per_quarter, default=""))


def quarters_of_months(totals: Iterable[tuple[str, str, int]]) -> dict[str, Counter[str]]:
    """Quarter -> school -> count from the board's totals per month and school (for the tests
    that compare the totals per quarter with those per month)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, item, count in totals:
        if kind == MONTH_AND_SCHOOL and count > 0:
            month, school = item.split("|", 1)
            counts[quarter_of(month)][school] += count
    return dict(counts)


@dataclass(frozen=True)
class SchoolRow:
    """One school's line of the table: per quarter shown, in the other quarters, and in all."""

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
    def others_heading(self) -> str:
        """The column of the quarters not shown: all before them, unless later ones exist."""
        return "Andere kwartalen" if self.later else "Eerder"

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
    counts: BoardCounts, names: Names, *, page: int = 1, until: str = "", search: str = ""
) -> BoardView:
    """The chart's figures and one page of the table. `until` (a quarter, '2026-4') is the last
    quarter shown, the newest with figures by default; `search` keeps the schools whose name or
    code holds it."""
    last = until if _is_quarter(until) else counts.newest
    quarters = _quarters_until(last, QUARTERS_SHOWN) if last else []
    labels = [quarter_label(q) for q in quarters]
    every_school = sorted(school for school, n in counts.per_school.items() if n > 0)
    named = {school: names.school(school) for school in every_school}
    search = search.strip()
    found = (
        [s for s in every_school if search.lower() in f"{s} {named[s]}".lower()] if search else every_school
    )
    found.sort(key=lambda s: (named[s].lower(), s))
    pages = max(1, math.ceil(len(found) / SCHOOLS_PER_PAGE))
    shown = found[(page - 1) * SCHOOLS_PER_PAGE : page * SCHOOLS_PER_PAGE] if 1 <= page <= pages else []
    shown_quarters = [counts.per_quarter.get(q, Counter()) for q in quarters]
    rows = [_row(school, named[school], shown_quarters, counts.per_school[school]) for school in shown]
    per_quarter = [Counter({"": c.total()}) for c in shown_quarters]
    everyone = _row("", f"Alle {len(every_school)} scholen", per_quarter, counts.total)
    in_shown = sum(c.total() for c in shown_quarters)
    chart_rows, series = _chart(counts.per_quarter, quarters, labels, named) if in_shown else ({}, [])
    return BoardView(
        quarters, labels, chart_rows, series, rows, everyone, page, pages, len(found), search,
        _notice(bool(every_school), found, search, page, pages, labels, in_shown), counts.newest,
    )  # fmt: skip


def _is_quarter(value: str) -> bool:
    year, _, which = value.partition("-")
    return year.isdigit() and len(year) == 4 and which in ("1", "2", "3", "4")


def _row(school: str, name: str, quarters: list[Counter[str]], total: int) -> SchoolRow:
    """A line of the table: the school's count in each quarter shown, in the others, in all."""
    shown = [counts[school] for counts in quarters]
    return SchoolRow(school, name, [_cell(n) for n in shown], _cell(max(0, total - sum(shown))), _cell(total))


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
    ranked = sorted(
        (s for s, n in in_period.items() if n > 0), key=lambda s: (-in_period[s], named[s].lower())
    )
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
    any_figures: bool, found: list[str], search: str, page: int, pages: int, labels: list[str], in_shown: int
) -> str:
    if not any_figures:
        return "Er zijn nog geen meldingen bij de scholen van dit bestuur."
    if search and not found:
        return f"Geen school met '{search}' in de naam of code heeft meldingen."
    if not 1 <= page <= pages:
        return f"Pagina {page} bestaat niet; de tabel heeft {pages} pagina('s)."
    if not in_shown:
        return f"Van {labels[0]} tot en met {labels[-1]} zijn er geen meldingen gedaan."
    return ""
