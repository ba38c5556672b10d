"""Errors the domain raises; each carries the Dutch sentence a person reads."""

from __future__ import annotations


class CaseError(Exception):
    """Base of every error a case handler can cause and should be told about."""

    message = "Deze actie kan niet worden uitgevoerd."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.message)
        self.detail = detail


class UnknownAction(CaseError):
    """Raised when an action name is not part of the incident's vocabulary."""

    message = "Deze actie bestaat niet."


class IncidentClosed(CaseError):
    """Raised when an action is recorded on a closed incident that does not allow it."""

    message = "De melding is afgesloten. Heropen de melding om deze actie vast te leggen."


class IncidentAlreadyOpen(CaseError):
    """Raised when an open incident is reopened."""

    message = "De melding is al open."


class NothingToCorrect(CaseError):
    """Raised when a correction names no earlier action, or changes nothing of it."""

    message = "Deze correctie verwijst niet naar een bestaande actie of verandert niets."


class MaterialRefused(CaseError):
    """Raised when input looks like (a reference to) the material itself: a file, an
    image, a data URI or an encoded blob. The material never enters the system."""

    message = (
        "Het beeldmateriaal zelf mag nooit in Zorgvuldig komen: geen bestanden, "
        "afbeeldingen, data-URI's of gecodeerde inhoud. Beschrijf alleen wat de school weet."
    )


class UnreadableText(CaseError):
    """Raised when text holds invisible control characters or a right-to-left override, which
    make what a person reads differ from what is stored."""

    message = (
        "De tekst bevat onzichtbare stuurtekens (bijvoorbeeld een teken dat de leesrichting "
        "omdraait). Typ de tekst opnieuw of plak hem als platte tekst."
    )


class FieldTooLong(CaseError):
    """Raised when a free-text field is longer than the system accepts."""

    message = "Een tekstveld is te lang. Houd het kort en feitelijk."


class SecondPersonRequired(CaseError):
    """Raised when the handler who proposed a letter tries to approve it themselves."""

    message = "Een brief keurt een tweede behandelaar of de directeur goed, niet degene die hem opstelde."


class LetterRecipientsErased(CaseError):
    """Raised when a letter is approved after its incident's personal data was erased."""

    message = (
        "De persoonsgegevens van deze melding zijn gewist: de ontvangers van deze brief zijn niet "
        "meer te lezen. De brief wordt niet verzonden."
    )


class NoLetterToDecide(CaseError):
    """Raised when an approval or refusal names no letter that waits for one."""

    message = "Deze brief wacht niet (meer) op goedkeuring: hij is al goedgekeurd of afgekeurd."


class StepAlwaysNeeded(CaseError):
    """Raised when a step is closed as not needed while the protocol does not allow that."""

    message = (
        "Deze stap kan volgens het protocol niet als 'niet nodig' worden afgesloten. Alleen stappen "
        "die 'indien nodig' gelden, kunnen dat."
    )


class AgreementConflict(CaseError):
    """Raised when an action informs an audience that the agreements with the pupil say may
    not be told yet, and no reason to go ahead was given."""

    message = (
        "Dit wijkt af van een afspraak met de leerling: {audiences} mogen het nog niet weten. "
        "Lees de afspraak en geef een reden als u toch doorgaat; die reden komt in het logboek."
    )

    def __init__(self, audiences: list[str]) -> None:
        self.audiences = audiences
        super().__init__(self.message.format(audiences=" en ".join(audiences)))


class HeldBackForSafety(CaseError):
    """Raised when informing the victim's parents (or the parents of the class) is attempted
    while a risk of honour-related or domestic violence is recorded."""

    def __init__(self, explanation: str) -> None:
        super().__init__(explanation)


class DeletionCallTooEarly(CaseError):
    """Raised when the call to delete the material is sent before police contact or a report."""


class ReasonRequired(CaseError):
    """Raised when an action that sets something aside is recorded without its reason."""

    message = "Geef de reden; zonder reden kan dit niet worden vastgelegd."


class NotARole(CaseError):
    """Raised when an aftercare moment names someone other than by one of the roles."""

    message = "Kies een van de rollen; een naam hoort hier niet."


class NotAChannel(CaseError):
    """Raised when a takedown names its channel with anything but a URL or a short reference."""

    message = "Vul alleen een webadres, accountnaam of de naam van de groepschat in."


class NothingToDecide(CaseError):
    """Raised when a decision names no improvement that waits for review."""

    message = "Deze verbetering wacht niet (meer) op beoordeling: zij is al gedeeld of niet gedeeld."


class SecondReviewerRequired(CaseError):
    """Raised when the handler who proposed an improvement tries to share it themselves."""

    message = (
        "Een verbetering die met het bestuur wordt gedeeld, beoordeelt een tweede behandelaar of de "
        "directeur, niet degene die haar voorstelde."
    )
