"""The only module that reads os.environ: frozen settings, checked at start-up.

With nothing configured every process runs on embedded defaults: a SQLite event store and
read models in ./data, a broker transport in a folder, and the local mail catcher.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlparse

DEFAULT_DATA_DIR = Path("data")
DEVELOPMENT_SECRET = "alleen-voor-ontwikkeling-niet-in-productie"  # noqa: S105


class ConfigurationError(ValueError):
    """Raised at start-up when a setting is missing or malformed."""


@dataclass(frozen=True)
class ClaimRule:
    """A board's rule: who signs in with an e-mail address of this domain and is in this group
    gets this role (and school) without an administrator linking them first."""

    email_domain: str
    group: str
    role: str
    school_id: str = ""


@dataclass(frozen=True)
class OidcProvider:
    """An OpenID Connect provider of one board (Microsoft Entra ID, Google Workspace, Entree)."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    board_id: str
    rules: tuple[ClaimRule, ...] = ()
    scope: str = "openid email profile"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    broker_url: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    mail_from: str = "Zorgvuldig <noreply@zorgvuldig.local>"
    secret_key: str = field(default=DEVELOPMENT_SECRET, repr=False)
    environment: str = "development"
    protocol_id: str = "kindante-2024-05-29"
    web_port: int = 8000
    web_host: str = "127.0.0.1"
    chain_key_setting: str = field(default="", repr=False)
    recipients_key_setting: str = field(default="", repr=False)
    backup_key_setting: str = field(default="", repr=False)
    letters_key_setting: str = field(default="", repr=False)
    retention_days: int = 730
    retention_per_board: dict[str, int] = field(default_factory=dict)
    log_format: str = "tekst"
    public_url: str = ""
    boards_dir: str = ""
    resend_after_seconds: float = 120.0
    notifier_parallel: int = 2  # see docs/beheer.md: more helps a distant mail server
    bounce_address_setting: str = ""
    bounce_dir_setting: str = ""
    oidc_providers: tuple[OidcProvider, ...] = ()

    def oidc_provider(self, name: str) -> OidcProvider | None:
        return next((p for p in self.oidc_providers if p.name == name), None)

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def site_url(self) -> str:
        """Where people reach the web app, for links in reminders."""
        return (self.public_url or f"http://127.0.0.1:{self.web_port}").rstrip("/")

    @property
    def mail_dir(self) -> Path:
        """Where the local mail catcher keeps what it received."""
        return self.data_dir / "mail"

    @property
    def bounce_address(self) -> str:
        """Where mail that comes back goes: each letter and recipient get their own address
        under it (VERP: terug+<letter>-<recipient>@domain), which the notifier reads back."""
        if self.bounce_address_setting:
            return self.bounce_address_setting
        return "terug@" + (parseaddr(self.mail_from)[1].rpartition("@")[2] or "zorgvuldig.local")

    @property
    def bounce_dir(self) -> Path:
        """The local mailbox the notifier reads bounces from: a folder of .eml files or a
        Maildir. On the embedded default, the mail catcher's folder, which receives them."""
        return Path(self.bounce_dir_setting) if self.bounce_dir_setting else self.mail_dir

    @property
    def effective_broker_url(self) -> str:
        """The configured broker, or a folder-based transport that needs no server."""
        return self.broker_url or "filesystem://"

    @property
    def broker_folder(self) -> Path:
        return self.data_dir / "broker"

    @property
    def chain_key(self) -> str:
        """Key of the incidents' hash chains: its own setting, or derived from the secret."""
        return self.chain_key_setting or hashlib.sha256(f"keten:{self.secret_key}".encode()).hexdigest()

    @property
    def recipients_key(self) -> bytes:
        """Wraps each school's key of its saved addresses: its own setting, or from the secret."""
        source = self.recipients_key_setting or f"ontvangers:{self.secret_key}"
        return hashlib.sha256(source.encode()).digest()

    @property
    def backup_key(self) -> bytes:
        """Seals backups (services/case/backup_file.py): its own setting, kept apart from the
        backups; in development, when not set, derived from the secret key."""
        source = self.backup_key_setting or f"back-up:{self.secret_key}"
        return hashlib.sha256(source.encode()).digest()

    @property
    def letters_key(self) -> bytes:
        """Seals what a letter message carries for the notifier (recipients, the names the final
        privacy check compares against) and its outcome: its own setting, or from the secret."""
        source = self.letters_key_setting or f"brieven:{self.secret_key}"
        return hashlib.sha256(source.encode()).digest()

    def event_store_env(self, name: str = "events") -> dict[str, str]:
        """Environment for an eventsourcing Application or recorder of this store."""
        if self.uses_postgres:
            return {**postgres_env(self.database_url), "CHAIN_KEY": self.chain_key}
        return {
            "CHAIN_KEY": self.chain_key,
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.data_dir / f"{name}.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "10",
        }


def postgres_env(url: str) -> dict[str, str]:
    """Translates one PostgreSQL URL into the library's POSTGRES_* settings."""
    parsed = urlparse(url)
    if not parsed.path.strip("/"):
        raise ConfigurationError("ZORGVULDIG_DATABASE_URL noemt geen database.")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parsed.path.strip("/"),
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "10",
        "POSTGRES_PRE_PING": "y",
    }


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Reads ZORGVULDIG_* variables; fails fast on anything malformed."""
    env = os.environ if environ is None else environ

    def get(name: str, default: str = "") -> str:
        return env.get(f"ZORGVULDIG_{name}", default).strip()

    environment = get("ENVIRONMENT", "development")
    if environment not in ("development", "production", "test"):
        raise ConfigurationError("ZORGVULDIG_ENVIRONMENT moet development, production of test zijn.")
    secret_key = get("SECRET_KEY", DEVELOPMENT_SECRET)
    if environment == "production" and secret_key == DEVELOPMENT_SECRET:
        raise ConfigurationError("ZORGVULDIG_SECRET_KEY is verplicht in productie.")
    database_url = get("DATABASE_URL")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        raise ConfigurationError("ZORGVULDIG_DATABASE_URL moet een postgresql://-URL zijn.")
    if database_url:
        postgres_env(database_url)
    return Settings(
        data_dir=Path(get("DATA_DIR", str(DEFAULT_DATA_DIR))),
        database_url=database_url,
        broker_url=get("BROKER_URL"),
        smtp_host=get("SMTP_HOST", "127.0.0.1"),
        smtp_port=_integer(get("SMTP_PORT", "8025"), "SMTP_PORT"),
        smtp_user=get("SMTP_USER"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=get("SMTP_STARTTLS", "nee").lower() in ("1", "ja", "yes", "true"),
        mail_from=get("MAIL_FROM", Settings.mail_from),
        bounce_address_setting=get("BOUNCE_ADDRESS"),
        bounce_dir_setting=get("BOUNCE_DIR"),
        secret_key=secret_key,
        environment=environment,
        protocol_id=get("PROTOCOL", Settings.protocol_id),
        web_port=_integer(get("WEB_PORT", "8000"), "WEB_PORT"),
        web_host=get("WEB_HOST", "127.0.0.1"),
        chain_key_setting=get("CHAIN_KEY"),
        recipients_key_setting=get("RECIPIENTS_KEY"),
        backup_key_setting=_long_enough(get("BACKUP_KEY"), "BACKUP_KEY"),
        letters_key_setting=get("LETTERS_KEY"),
        retention_days=_integer(get("RETENTION_DAYS", "730"), "RETENTION_DAYS"),
        public_url=get("PUBLIC_URL", ""),
        retention_per_board=_per_board(get("RETENTION_DAYS_PER_BOARD", "")),
        log_format=_choice(get("LOG_FORMAT", "tekst"), ("tekst", "json"), "LOG_FORMAT"),
        boards_dir=get("BOARDS_DIR", ""),
        resend_after_seconds=float(_integer(get("RESEND_AFTER_SECONDS", "120"), "RESEND_AFTER_SECONDS")),
        notifier_parallel=_at_least_one(
            get("NOTIFIER_PARALLEL", str(Settings.notifier_parallel)), "NOTIFIER_PARALLEL"
        ),
        oidc_providers=_oidc_providers(get),
    )


def _long_enough(value: str, name: str) -> str:
    if value and len(value) < 32:
        raise ConfigurationError(
            f"ZORGVULDIG_{name} moet minstens 32 tekens lang zijn; maak er een met "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )
    return value


def _at_least_one(value: str, name: str) -> int:
    number = _integer(value, name)
    if number < 1:
        raise ConfigurationError(f"ZORGVULDIG_{name} moet 1 of meer zijn.")
    return number


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"ZORGVULDIG_{name} moet een getal zijn.") from None


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ConfigurationError(f"ZORGVULDIG_{name} moet een van {', '.join(allowed)} zijn, niet '{value}'.")
    return value


def _per_board(value: str) -> dict[str, int]:
    """'kindante=730,ander-bestuur=365' as {board: days}."""
    found = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        board, _, days = part.partition("=")
        if not board.strip() or not days.strip().isdigit():
            raise ConfigurationError(
                "ZORGVULDIG_RETENTION_DAYS_PER_BOARD verwacht bestuur=dagen, gescheiden door komma's, "
                f"bijvoorbeeld kindante=730,ander-bestuur=365; niet '{part}'."
            )
        found[board.strip()] = int(days)
    return found


_ROLES = ("behandelaar", "medewerker", "otv", "bestuur", "beheerder")
_SCHOOL_ROLES = ("behandelaar", "medewerker")


def _oidc_providers(get: Callable[..., str]) -> tuple[OidcProvider, ...]:
    """ZORGVULDIG_OIDC_PROVIDERS=entra,google and per name ZORGVULDIG_OIDC_<NAAM>_ISSUER,
    _CLIENT_ID, _CLIENT_SECRET, _BOARD, optional _LABEL, _SCOPE and _RULES."""
    providers = []
    for name in filter(None, (n.strip().lower() for n in get("OIDC_PROVIDERS").split(","))):
        if not re.fullmatch(r"[a-z0-9-]+", name):
            raise ConfigurationError(
                f"ZORGVULDIG_OIDC_PROVIDERS: '{name}' mag alleen kleine letters, cijfers en - bevatten."
            )
        prefix = f"OIDC_{name.upper().replace('-', '_')}_"
        values = {key: get(prefix + key) for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "BOARD")}
        missing = [f"ZORGVULDIG_{prefix}{key}" for key, value in values.items() if not value]
        if missing:
            raise ConfigurationError(f"Aanbieder '{name}' mist: {', '.join(missing)}.")
        issuer = values["ISSUER"]
        if not issuer.startswith("https://") and not issuer.startswith(
            ("http://127.0.0.1", "http://localhost")
        ):
            raise ConfigurationError(f"ZORGVULDIG_{prefix}ISSUER moet een https://-adres zijn.")
        providers.append(
            OidcProvider(
                name=name,
                label=get(prefix + "LABEL", name.title()),
                issuer=issuer,
                client_id=values["CLIENT_ID"],
                client_secret=values["CLIENT_SECRET"],
                board_id=values["BOARD"],
                rules=_claim_rules(get(prefix + "RULES"), prefix),
                scope=get(prefix + "SCOPE", OidcProvider.scope),
            )
        )
    return tuple(providers)


def _claim_rules(value: str, prefix: str) -> tuple[ClaimRule, ...]:
    """'dewilg.nl Zorgteam behandelaar de-wilg; kindante.nl OTV otv': per rule an e-mail domain,
    a group, a role and (for behandelaar and medewerker) a school, separated by spaces."""
    rules = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        fields = part.split()
        role = fields[2] if len(fields) > 2 else ""
        needs_school = role in _SCHOOL_ROLES
        if role not in _ROLES or len(fields) != (4 if needs_school else 3):
            raise ConfigurationError(
                f"ZORGVULDIG_{prefix}RULES verwacht per regel: domein groep rol [school], gescheiden door "
                f"puntkomma's, bijvoorbeeld 'dewilg.nl Zorgteam behandelaar de-wilg'; niet '{part}'."
            )
        school = fields[3] if needs_school else ""
        rules.append(ClaimRule(fields[0].lower().lstrip("@"), fields[1], role, school))
    return tuple(rules)
