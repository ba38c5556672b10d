"""The people of an incident: the pupils involved, recorded once and sealed, and referred to by
role everywhere else; and the staff a handler granted read access."""

from __future__ import annotations

from typing import ClassVar

from services.case.domain.actions import ActionRecorded, IncidentPart, RecordedAction


class PupilRecorded(ActionRecorded):
    """Een betrokken leerling is vastgelegd (naam en kenmerken versleuteld)."""

    role: str
    name: str
    nickname: str
    class_label: str
    accounts: list[str]
    personal: ClassVar[tuple[str, ...]] = ("name", "nickname", "class_label", "accounts")
    allowed_when_closed: ClassVar[bool] = True


class StaffAccessGranted(ActionRecorded):
    """Een medewerker heeft leesrecht op deze melding gekregen."""

    staff_id: str
    allowed_when_closed: ClassVar[bool] = True


class StaffAccessRevoked(ActionRecorded):
    """Het leesrecht van een medewerker op deze melding is ingetrokken."""

    staff_id: str
    allowed_when_closed: ClassVar[bool] = True


class People(IncidentPart):
    """Queries of the people involved, mixed into `Incident`."""

    def pupils(self) -> list[RecordedAction]:
        """The pupils involved as recorded now (corrections applied, withdrawn ones left out):
        entered once, referred to by role elsewhere, and what every letter is checked against."""
        return [a for a in self.effective_actions() if a.is_a(PupilRecorded)]

    def staff_with_access(self) -> set[str]:
        """Staff members a handler granted read access, minus those revoked since."""
        granted: set[str] = set()
        for action in self.effective_actions():
            if action.is_a(StaffAccessGranted):
                granted.add(action.data["staff_id"])
            elif action.is_a(StaffAccessRevoked):
                granted.discard(action.data["staff_id"])
        return granted
