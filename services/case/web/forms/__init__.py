"""The forms of the case: one marshmallow schema per action, shared by the web form and the JSON API.

Each field of an action's event gets a Dutch label, a kind (short text, long text, yes/no,
one choice, several choices, date) and, for choices, the fixed answers. The fields live with
the part of the case they are about (the material, the people involved, the authorities,
communication, the case's own steps); the schemas are generated from `FIELDS` and checked
against `Incident.action_classes()` by a test, so a new action without a form fails the tests.
"""

from services.case.web.forms.actions import EXTRAS, FIELDS, NOT_BY_FORM, REMINDERS, action_forms
from services.case.web.forms.conversation import conversation_fields
from services.case.web.forms.parsing import correctable, flatten, form_data, load
from services.case.web.forms.questions import (
    AFTERCARE_FOR,
    CHANNELS,
    FOR_WHOM,
    MESSAGE_APPROACHES,
    PEOPLE_GROUPS,
    YES_NO_UNKNOWN,
    ActionForm,
    Choices,
    Field,
)
from services.case.web.forms.schemas import (
    SHORT_ANSWER,
    SITUATIONS,
    TOO_LONG,
    CorrectionSchema,
    OpeningSchema,
    ReasonSchema,
    _valid_date,
    marshmallow_field,
    schema_for,
)
from services.case.web.forms.steps import NOT_NEEDED_STEPS

__all__ = [
    "AFTERCARE_FOR",
    "CHANNELS",
    "EXTRAS",
    "FIELDS",
    "FOR_WHOM",
    "MESSAGE_APPROACHES",
    "NOT_BY_FORM",
    "NOT_NEEDED_STEPS",
    "PEOPLE_GROUPS",
    "REMINDERS",
    "SHORT_ANSWER",
    "SITUATIONS",
    "TOO_LONG",
    "YES_NO_UNKNOWN",
    "ActionForm",
    "Choices",
    "CorrectionSchema",
    "Field",
    "OpeningSchema",
    "ReasonSchema",
    "_valid_date",
    "action_forms",
    "conversation_fields",
    "correctable",
    "flatten",
    "form_data",
    "load",
    "marshmallow_field",
    "schema_for",
]
