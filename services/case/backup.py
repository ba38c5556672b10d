"""Backup, restore and moving a trial installation to PostgreSQL.

    python -m services.backup maak <bestand>              a backup of this installation
    python -m services.backup herstel <bestand>           into an EMPTY installation
    python -m services.backup verhuis --naar <postgres-url>  SQLite → PostgreSQL

(services/backup.py is the composition root of that command: it registers the rebuild of the
reports, which are another service's, with `restore` here.)

A backup is one gzipped JSON-lines file, independent of the database's version: the stored
events exactly as stored (sealed, chained), in their order; the per-incident keys (an erased
incident's key stays absent); the accounts; and the schools' saved recipient groups. The file
is sealed with the backup key (ZORGVULDIG_BACKUP_KEY, kept apart from the backups; see
backup_file.py): it holds the keys of every incident and the parents' addresses. A restore
opens it with the same key, puts everything into an empty store in the same order, then
verifies every incident's hash chain and rebuilds the reports. A backup made before backups
were sealed is still read. Keep backups outside the server and let them expire.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.case.application import CaseManagement
from services.case.backup_file import BackupUnreadable, OpeningReader, SealingWriter, is_sealed
from services.case.lists import IncidentLists
from services.case.relay import NAME as RELAY
from shared.accounts import Accounts
from shared.config import ConfigurationError, Settings, load_settings
from shared.identity import Actor, Role
from shared.positions import Positions
from shared.recipients import RecipientGroups

FORMAT = "zorgvuldig-backup"
VERSION = 1
PAGE = 1000


# Rebuilds a follower of the event log (the reports) from the restored store; how many events.
Rebuild = Callable[[Settings, CaseManagement], int]


class RestoreRefused(Exception):
    """Raised when the target installation is not empty, or the file is not a backup."""


@dataclass(frozen=True)
class Summary:
    events: int
    keys: int
    accounts: int
    incidents_verified: int = 0
    broken: tuple[str, ...] = ()
    reports_rebuilt: int = 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def records(settings: Settings) -> Iterator[dict[str, Any]]:
    """Everything of an installation, as JSON-able records, events in their order."""
    cases = CaseManagement(env=settings.event_store_env())
    start = 1
    while page := cases.recorder.select_notifications(start=start, limit=PAGE):
        for n in page:
            yield {"gebeurtenis": [str(n.originator_id), n.originator_version, n.topic, _b64(n.state)]}
        start = page[-1].id + 1
    for incident_id, key in cases.key_vault.export():
        yield {"sleutel": [str(incident_id), _b64(key) if key is not None else None]}
    for row in account_rows(settings):
        yield {"account": row}
    groups = RecipientGroups(settings)
    for school_id in sorted({str(row["school_id"]) for row in account_rows(settings)}):
        for group in groups.of_school(school_id):
            yield {"ontvangers": [group.school_id, group.name, list(group.addresses), group.language]}


def account_rows(settings: Settings) -> list[dict[str, Any]]:
    Accounts(settings)  # the table exists
    columns = "username, name, role, board_id, school_id, password_hash, must_change, totp_secret"
    if settings.uses_postgres:
        import psycopg

        with psycopg.connect(settings.database_url) as db:
            rows = db.execute(f"SELECT {columns} FROM accounts ORDER BY username").fetchall()  # noqa: S608
    else:
        with sqlite3.connect(settings.data_dir / "accounts.sqlite") as db:
            rows = db.execute(f"SELECT {columns} FROM accounts ORDER BY username").fetchall()  # noqa: S608
    names = [c.strip() for c in columns.split(",")]
    return [dict(zip(names, row, strict=True)) for row in rows]


def make(settings: Settings, path: Path) -> Summary:
    counts = {"gebeurtenis": 0, "sleutel": 0, "account": 0, "ontvangers": 0}
    with (
        path.open("wb") as target,
        SealingWriter(target, settings.backup_key) as sealed,
        gzip.GzipFile(fileobj=sealed, mode="wb") as zipped,
        io.TextIOWrapper(zipped, encoding="utf-8") as out,
    ):
        out.write(
            json.dumps(
                {
                    "formaat": FORMAT,
                    "versie": VERSION,
                    "gemaakt": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
            + "\n"
        )
        for record in records(settings):
            counts[next(iter(record))] += 1
            out.write(json.dumps(record) + "\n")
    return Summary(counts["gebeurtenis"], counts["sleutel"], counts["account"])


def read(path: Path, key: bytes) -> Iterator[dict[str, Any]]:
    """The records of a backup, sealed with `key` (or from before backups were sealed)."""
    try:
        with path.open("rb") as raw:
            plain: Any = io.BufferedReader(OpeningReader(raw, key)) if is_sealed(path) else raw
            with gzip.open(plain, "rt", encoding="utf-8") as source:
                header = json.loads(source.readline() or "{}")
                if header.get("formaat") != FORMAT or header.get("versie") != VERSION:
                    raise RestoreRefused(f"{path} is geen back-up van Zorgvuldig (versie {VERSION}).")
                for line in source:
                    yield json.loads(line)
    except (BackupUnreadable, gzip.BadGzipFile, EOFError) as error:
        raise RestoreRefused(f"{path}: {error}") from error


def restore(
    settings: Settings, source: Iterator[dict[str, Any]], *, rebuild_reports: Rebuild | None = None
) -> Summary:
    """Into an empty installation; then verifies every chain, rebuilds the incident lists and,
    through `rebuild_reports`, the reports."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    cases = CaseManagement(env=settings.event_store_env())
    if cases.recorder.max_notification_id():
        raise RestoreRefused("Het doel bevat al gebeurtenissen; herstel alleen in een lege installatie.")
    Accounts(settings)  # the accounts table exists before rows are put back
    events: list[StoredEvent] = []
    counts = {"gebeurtenis": 0, "sleutel": 0, "account": 0, "ontvangers": 0}
    groups = RecipientGroups(settings)

    def flush() -> None:
        if events:
            cases.recorder.insert_events(events)
            events.clear()

    for record in source:
        kind, value = next(iter(record.items()))
        counts[kind] += 1
        if kind == "gebeurtenis":
            originator, version, topic, state = value
            events.append(StoredEvent(UUID(originator), version, topic, base64.b64decode(state)))
            if len(events) >= PAGE:
                flush()
        elif kind == "sleutel":
            incident_id, key = value
            cases.key_vault.restore(UUID(incident_id), base64.b64decode(key) if key else None)
        elif kind == "account":
            restore_account(settings, value)
        elif kind == "ontvangers":
            school_id, name, addresses, *language = value  # backups before languages have none
            groups.save(school_id, name, addresses, *language)
    flush()
    # Letters requested before the backup were published then; never send them again.
    Positions(settings).save(RELAY, cases.recorder.max_notification_id() or 0)
    verified = CaseManagement(env=settings.event_store_env())
    broken = []
    ids = verified.all_incident_ids()
    for incident_id in ids:
        opened = verified.opened_event(incident_id)
        auditor = Actor("herstel", "Herstel", Role.BOARD, board_id=opened.board_id)
        if not verified.verify_chain(auditor, incident_id).intact:
            broken.append(str(incident_id))
    rebuilt = rebuild_reports(settings, verified) if rebuild_reports is not None else 0
    IncidentLists(settings, verified).rebuild()
    return Summary(
        counts["gebeurtenis"], counts["sleutel"], counts["account"], len(ids), tuple(broken), rebuilt
    )


def restore_account(settings: Settings, row: dict[str, Any]) -> None:
    columns = list(row)
    if settings.uses_postgres:
        import psycopg

        marks = ", ".join(["%s"] * len(columns))
        with psycopg.connect(settings.database_url) as db:
            db.execute(
                f"INSERT INTO accounts ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608
                list(row.values()),
            )
    else:
        marks = ", ".join(["?"] * len(columns))
        with sqlite3.connect(settings.data_dir / "accounts.sqlite") as db:
            db.execute(
                f"INSERT OR IGNORE INTO accounts ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                list(row.values()),
            )


def report(summary: Summary) -> str:
    lines = [
        f"{summary.events} gebeurtenissen, {summary.keys} sleutels, {summary.accounts} accounts.",
    ]
    if summary.incidents_verified:
        lines.append(
            f"Hashketen gecontroleerd van {summary.incidents_verified} meldingen: "
            + ("alle in orde." if not summary.broken else f"GEWIJZIGD: {', '.join(summary.broken)}")
        )
        lines.append(f"Rapportage opnieuw opgebouwd uit {summary.reports_rebuilt} gebeurtenissen.")
    return "\n".join(lines)


def main(argv: list[str] | None = None, *, rebuild_reports: Rebuild | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.backup", description="Back-up en herstel.")
    commands = parser.add_subparsers(dest="opdracht", required=True)
    commands.add_parser("maak", help="maak een back-up").add_argument("bestand", type=Path)
    commands.add_parser("herstel", help="herstel een back-up in een lege installatie").add_argument(
        "bestand", type=Path
    )
    move = commands.add_parser("verhuis", help="verhuis deze (SQLite-)installatie naar PostgreSQL")
    move.add_argument("--naar", required=True, help="postgresql://gebruiker:wachtwoord@host:5432/database")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.opdracht == "maak":
            if settings.environment == "production" and not settings.backup_key_setting:
                raise ConfigurationError(
                    "Zet ZORGVULDIG_BACKUP_KEY (minstens 32 tekens) en bewaar hem apart van de "
                    "back-ups: daarmee wordt de back-up versleuteld."
                )
            print(f"Back-up gemaakt in {args.bestand}: " + report(make(settings, args.bestand)))
        elif args.opdracht == "herstel":
            summary = restore(
                settings, read(args.bestand, settings.backup_key), rebuild_reports=rebuild_reports
            )
            print("Hersteld: " + report(summary))
            return 1 if summary.broken else 0
        else:
            target = load_settings(
                {
                    "ZORGVULDIG_DATA_DIR": str(settings.data_dir),
                    "ZORGVULDIG_DATABASE_URL": args.naar,
                    "ZORGVULDIG_SECRET_KEY": settings.secret_key,
                    "ZORGVULDIG_CHAIN_KEY": settings.chain_key_setting,
                    "ZORGVULDIG_ENVIRONMENT": settings.environment,
                }
            )
            summary = restore(target, records(settings), rebuild_reports=rebuild_reports)
            print("Verhuisd naar PostgreSQL: " + report(summary))
            print("Zet nu ZORGVULDIG_DATABASE_URL op dit adres en start Zorgvuldig opnieuw.")
            return 1 if summary.broken else 0
    except (ConfigurationError, RestoreRefused) as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 2
    return 0
