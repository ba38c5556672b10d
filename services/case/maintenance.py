"""Maintenance commands for a board's IT partner.

    python -m services.case.maintenance verifieer <melding-id>
    python -m services.case.maintenance bewaartermijn [--dagen N] [--uitvoeren]

`verifieer` recomputes an incident's hash chain and prints the chain head the board can
keep; `bewaartermijn` lists (and with --uitvoeren erases) the personal data of incidents
that were closed longer ago than the retention period.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from uuid import UUID

from services.case.application import CaseManagement
from services.case.domain.incident import Incident, Status
from shared.config import load_settings
from shared.identity import Actor, Role

RETENTION_ACTOR = "bewaartermijn"


def expired(
    cases: CaseManagement, *, days: int, now: datetime, per_board: dict[str, int] | None = None
) -> list[Incident]:
    """Closed incidents whose last closing lies more than their board's retention period
    (`per_board`, else `days`) before `now`."""
    found = []
    for incident_id in cases.all_incident_ids():
        incident: Incident = cases.repository.get(incident_id)
        if incident.status is not Status.CLOSED:
            continue
        if incident.personal_data_erased:
            continue
        closed_at = max(a.at for a in incident.actions if a.is_a(Incident.Closed))
        if now - closed_at > timedelta(days=(per_board or {}).get(incident.board_id, days)):
            found.append(incident)
    return found


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m services.case.maintenance")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verifieer", help="controleer de hashketen van een melding")
    verify.add_argument("melding")
    retention = commands.add_parser("bewaartermijn", help="wis persoonsgegevens na de bewaartermijn")
    retention.add_argument("--dagen", type=int, default=settings.retention_days)
    retention.add_argument("--uitvoeren", action="store_true", help="echt wissen (anders alleen tonen)")
    args = parser.parse_args(argv)

    cases = CaseManagement(env=settings.event_store_env())
    if args.command == "verifieer":
        opened = cases.opened_event(UUID(args.melding))
        auditor = Actor("beheer", "Beheer", Role.BOARD, board_id=opened.board_id)
        report = cases.verify_chain(auditor, UUID(args.melding))
        print(
            json.dumps(
                {
                    "melding": str(report.incident_id),
                    "intact": report.intact,
                    "gecontroleerde_gebeurtenissen": report.events_checked,
                    "eerste_gewijzigde_versie": report.first_broken_version,
                    "ketenkop": report.head,
                },
                indent=2,
            )
        )
        return 0 if report.intact else 1

    per_board = {} if args.dagen != settings.retention_days else settings.retention_per_board
    for incident in expired(cases, days=args.dagen, now=datetime.now(UTC), per_board=per_board):
        if args.uitvoeren:
            days = per_board.get(incident.board_id, args.dagen)
            cases.erase_personal_data(
                incident.id,
                actor_id=RETENTION_ACTOR,
                reason=f"bewaartermijn van {days} dagen verstreken",
            )
            print(f"gewist: {incident.id}")
        else:
            print(f"verlopen (nog niet gewist): {incident.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
