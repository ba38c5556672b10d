"""Accounts for a board's IT partner, from the command line.

    python -m services.case.beheer beheerder <gebruikersnaam> --naam "…" --bestuur <bestuur> [--installatie]
    python -m services.case.beheer gebruiker <gebruikersnaam> --naam "…" --rol behandelaar \\
        --bestuur <bestuur> --school <school>
    python -m services.case.beheer lijst
    python -m services.case.beheer herstel <gebruikersnaam>
    python -m services.case.beheer rol <gebruikersnaam> --rol medewerker [--school <school>]
    python -m services.case.beheer identiteiten
    python -m services.case.beheer koppel <aanbieder> <sub> --rol behandelaar --school <school> \\
        [--gebruikersnaam <bestaand account>] [--naam "…"]

Each new account gets a one-time password, printed once; at the first sign-in its owner
chooses their own. OTV, board and administrators set up a TOTP code at that sign-in.
`herstel` gives a new one-time password (and lifts a lock); it and `rol` end every session
and every API token of the account.
Someone who signed in with the school's own account (OpenID Connect) and has no access yet
is listed by `identiteiten`; `koppel` gives that identity a role and a school.
"""

from __future__ import annotations

import argparse
import sys

from shared.accounts import AccountExists, Accounts, one_time_password
from shared.config import ConfigurationError, Settings, load_settings
from shared.identities import Identities, LinkRefused
from shared.identity import Role


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.case.beheer", description="Accounts beheren.")
    commands = parser.add_subparsers(dest="opdracht", required=True)
    admin = commands.add_parser("beheerder", help="maak een beheerder (de eerste, of een volgende)")
    admin.add_argument(
        "--installatie",
        action="store_true",
        help="beheerder van de hele installatie (wachtrijen van alle besturen), niet van één bestuur",
    )
    user = commands.add_parser("gebruiker", help="maak een gebruiker met een rol")
    for command in (admin, user):
        command.add_argument("gebruikersnaam")
        command.add_argument("--naam", required=True)
        command.add_argument("--bestuur", required=True)
        command.add_argument("--email", default="", help="voor herinneringen (behandelaars)")
    user.add_argument(
        "--rol",
        required=True,
        choices=[r.value for r in Role if r not in (Role.ADMINISTRATOR, Role.INSTALLATION_ADMINISTRATOR)],
    )
    user.add_argument("--school", default="")
    commands.add_parser("lijst", help="toon alle accounts")
    reset = commands.add_parser("herstel", help="nieuw eenmalig wachtwoord; beëindigt alle sessies en tokens")
    reset.add_argument("gebruikersnaam")
    new_role = commands.add_parser("rol", help="geef een account een andere rol; beëindigt sessies en tokens")
    new_role.add_argument("gebruikersnaam")
    new_role.add_argument(
        "--rol",
        required=True,
        choices=[r.value for r in Role if r not in (Role.ADMINISTRATOR, Role.INSTALLATION_ADMINISTRATOR)],
    )
    new_role.add_argument("--school", default="")
    commands.add_parser("identiteiten", help="toon wie via de school inlogde en nog geen toegang heeft")
    link = commands.add_parser("koppel", help="geef een identiteit van een aanbieder een rol en school")
    link.add_argument("aanbieder")
    link.add_argument("sub", help="de identiteit (sub) zoals 'identiteiten' die toont")
    link.add_argument("--rol", required=True, choices=[r.value for r in Role])
    link.add_argument("--school", default="")
    link.add_argument("--gebruikersnaam", default="", help="koppel aan dit bestaande account")
    link.add_argument("--naam", default="")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        return 2
    accounts = Accounts(settings)
    if args.opdracht == "lijst":
        for account in accounts.all():
            print(f"{account.username:<24} {account.role.label:<30} {account.board_id} {account.school_id}")
        return 0
    if args.opdracht in ("identiteiten", "koppel"):
        return identities_command(args, settings, accounts)
    if args.opdracht in ("herstel", "rol"):
        return change_command(args, accounts)
    if args.opdracht == "beheerder":
        role = Role.INSTALLATION_ADMINISTRATOR if args.installatie else Role.ADMINISTRATOR
    else:
        role = Role(args.rol)
    if role in (Role.CASE_HANDLER, Role.STAFF) and not args.school:
        print("Een behandelaar of medewerker hoort bij een school: geef --school op.", file=sys.stderr)
        return 2
    password = one_time_password()
    try:
        accounts.create(
            args.gebruikersnaam,
            name=args.naam,
            role=role,
            board_id=args.bestuur,
            school_id=args.school if role in (Role.CASE_HANDLER, Role.STAFF) else "",
            password=password,
            must_change=True,
            email=args.email,
        )
    except AccountExists:
        print(f"De gebruikersnaam '{args.gebruikersnaam}' bestaat al.", file=sys.stderr)
        return 1
    print(f"Account '{args.gebruikersnaam}' ({role.label}) is aangemaakt.")
    print(f"Eenmalig wachtwoord: {password}")
    print("Geef dit persoonlijk door; bij de eerste keer inloggen kiest de gebruiker een eigen wachtwoord.")
    return 0


def change_command(args: argparse.Namespace, accounts: Accounts) -> int:
    account = accounts.get(args.gebruikersnaam)
    if account is None:
        print(f"Er is geen account '{args.gebruikersnaam}'.", file=sys.stderr)
        return 1
    if args.opdracht == "herstel":
        password = accounts.reset_password(account.username)
        print(f"Eenmalig wachtwoord: {password}")
        print("Alle sessies en API-tokens van dit account zijn beëindigd.")
        return 0
    role = Role(args.rol)
    if role in (Role.CASE_HANDLER, Role.STAFF) and not args.school:
        print("Een behandelaar of medewerker hoort bij een school: geef --school op.", file=sys.stderr)
        return 2
    accounts.change_role(
        account.username, role, args.school if role in (Role.CASE_HANDLER, Role.STAFF) else ""
    )
    print(f"'{account.username}' is nu {role.label}. Alle sessies en API-tokens zijn beëindigd.")
    return 0


def identities_command(args: argparse.Namespace, settings: Settings, accounts: Accounts) -> int:
    identities = Identities(settings, accounts)
    if args.opdracht == "identiteiten":
        for waiting in identities.waiting():
            who = f"{waiting.email:<32} {waiting.name}"
            print(f"{waiting.provider:<12} {waiting.subject:<40} {who} ({waiting.last_seen})")
        return 0
    provider = settings.oidc_provider(args.aanbieder)
    if provider is None:
        names = ", ".join(p.name for p in settings.oidc_providers) or "geen"
        print(f"Onbekende aanbieder '{args.aanbieder}' (ingesteld: {names}).", file=sys.stderr)
        return 2
    try:
        username = identities.link(
            provider,
            args.sub,
            role=Role(args.rol),
            school_id=args.school,
            name=args.naam,
            username=args.gebruikersnaam,
            linked_by="beheer (opdrachtregel)",
        )
    except LinkRefused as refused:
        print(refused.message, file=sys.stderr)
        return 1
    role = Role(args.rol)
    print(f"Identiteit {args.sub} van {provider.label} is gekoppeld aan '{username}' ({role.label}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
