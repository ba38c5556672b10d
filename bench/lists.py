"""Benchmark of the pages that list incidents, as the store grows.

The same stores as bench/pages.py: 200, 3,000 and 10,000 incidents of other schools (and
100,000 on PostgreSQL with ZORGVULDIG_BENCH_LANGZAAM=1), the handler's school keeping the same
30 incidents, SQLite and PostgreSQL side by side with their requests interleaved. Measured:
p50/p95 of the list every role opens (`/`: the handler's school, the staff member's granted
incidents, the OTV's and the board's newest 50) and the growth from the smallest store to the
largest (target p95 < 50 ms, growth <= 1.3x); at each size, how fast the list read model
catches up, and for comparison the handler's list as it was made before the read model (every
opening event scanned, each visible incident replayed), timed a few times.
"""

from __future__ import annotations

from bench import line, median, timed
from bench.pages import BOARD, PERSONAS, System, run
from shared.identity import Actor

OLD_WAY_SAMPLES = 3


def list_pages(incident_id: str) -> list[tuple[str, str, str]]:
    return [
        ("Behandelaar: lijst (één school, 30)", "behandelaar", "/"),
        ("Medewerker: lijst (toegang tot 30)", "medewerker", "/"),
        ("OTV: lijst (alle scholen, nieuwste 50)", "otv", "/"),
        ("Bestuur: lijst (alle scholen, nieuwste 50)", "bestuur", "/"),
    ]


def old_way(system: System) -> None:
    """The handler's list as it was made before the read model, and the read model's rebuild."""
    username, role, school = PERSONAS["behandelaar"]
    handler = Actor(username, username, role, board_id=BOARD, school_id=school)
    samples = [timed(lambda: system.cases.incidents(handler))[1] * 1000 for _ in range(OLD_WAY_SAMPLES)]
    line(f"{system.name}: lijst zoals vroeger, alles scannen (ms)", f"{median(samples):.1f}")
    events, seconds = timed(system.lists.rebuild)
    line(f"{system.name}: meldingenlijst herbouwen (gebeurtenissen/s)", f"{events / seconds:,.0f}")


def main() -> None:
    run(list_pages, "Lijsten van meldingen, SQLite en PostgreSQL naast elkaar", after_size=old_way)


if __name__ == "__main__":
    main()
