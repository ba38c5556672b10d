"""The application's refusals: an incident not found or not allowed, an edit that came too late,
a version never reached, a store out of reach. Each carries the Dutch message a person reads."""

from __future__ import annotations

from services.case.domain.errors import CaseError


class IncidentNotFound(CaseError):
    """Raised for an unknown incident, and for one the actor may not see: both are 404."""

    message = "Deze melding bestaat niet of u heeft er geen toegang toe."


class NotAllowed(CaseError):
    """Raised when the actor's role may read a case but not act on it."""

    message = "Uw rol mag deze actie niet uitvoeren."


class ConcurrentEdit(CaseError):
    """Raised when someone else recorded an action since the form was opened."""

    message = (
        "Iemand anders heeft intussen een actie vastgelegd bij deze melding. "
        "Bekijk de tijdlijn en leg uw actie daarna opnieuw vast; er is niets verloren."
    )


class VersionUnknown(CaseError):
    """Raised when a command names an expected version the incident never reached."""

    message = "Deze versie van de melding bestaat niet. Laad de melding opnieuw en leg uw actie dan vast."


class StoreUnavailable(CaseError):
    """Raised when the event store cannot be reached; nothing was written."""

    message = (
        "De opslag is tijdelijk niet bereikbaar. Er is niets opgeslagen; "
        "probeer het over een ogenblik opnieuw."
    )
