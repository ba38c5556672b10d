"""One marshmallow schema per action, shared by the web form and the JSON API."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from marshmallow.types import ErrorMessages

from services.case.domain.guards import MAX_TEXT_LENGTH
from services.case.web import conversation
from services.case.web.forms.actions import action_forms
from services.case.web.forms.questions import Choices, Field

_MESSAGES: ErrorMessages = {
    "required": "Vul dit veld in.",
    "null": "Vul dit veld in.",
    "invalid": "Deze waarde klopt niet.",
}


TOO_LONG = validate.Length(max=MAX_TEXT_LENGTH, error=f"Gebruik hoogstens {MAX_TEXT_LENGTH} tekens.")


SHORT_ANSWER = validate.Length(max=conversation.SHORT_ANSWER_LENGTH, error=conversation.SHORT_ANSWER_TOO_LONG)


# A pattern rather than a function, so that the OpenAPI document says it too.
_required_text = validate.Regexp(r"[\s\S]*\S", error="Vul dit veld in.")


def _valid_date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-12-01.") from None


def _presence(spec: Field, default: Any) -> dict[str, Any]:
    """Required fields must be sent; optional ones default to empty."""
    return {"required": True} if spec.required else {"load_default": spec.default or default}


def marshmallow_field(spec: Field) -> fields.Field:
    one_of = validate.OneOf([value for value, _ in spec.choices], error="Kies een van de mogelijkheden.")
    if spec.kind == "yesno":
        return fields.Boolean(required=True, error_messages={**_MESSAGES, "invalid": "Kies ja of nee."})
    if spec.kind == "choices":
        return fields.List(
            fields.String(validate=one_of),
            **_presence(spec, list),
            validate=validate.Length(min=1 if spec.required else 0, error="Kies minstens één mogelijkheid."),
            error_messages={**_MESSAGES, "invalid": "Kies uit de mogelijkheden."},
        )
    if spec.kind == "lines":
        return fields.List(
            fields.String(validate=validate.Length(max=200, error="Gebruik hoogstens 200 tekens per regel.")),
            **_presence(spec, list),
            error_messages={**_MESSAGES, "invalid": "Vul één naam of omschrijving per regel in."},
        )
    if spec.kind == "number":
        return fields.Integer(
            required=True, strict=False, error_messages={**_MESSAGES, "invalid": "Vul een getal in."}
        )
    if spec.kind == "fixed":
        return fields.String(
            load_default=spec.value,
            validate=validate.OneOf([spec.value], error="Deze waarde legt het formulier zelf vast."),
            error_messages=_MESSAGES,
        )
    checks: list[Any] = [SHORT_ANSWER if spec.kind == "short" else TOO_LONG]
    if spec.required:
        checks.append(_required_text)
    if spec.kind == "choice":
        checks.append(one_of)
    if spec.kind == "date":
        checks.append(_valid_date)
    return fields.String(
        **_presence(spec, ""),
        validate=checks,
        error_messages={**_MESSAGES, "invalid": "Vul hier tekst in."},
    )


def schema_for(action: str) -> Schema:
    return _schema_class(action)()


@cache
def _schema_class(action: str) -> type[Schema]:
    form = action_forms().get(action)
    if form is None:
        raise KeyError(action)
    fields_of_action = {spec.name: marshmallow_field(spec) for spec in form.fields}
    return Schema.from_dict(fields_of_action, name=f"{action}Schema")


class OpeningSchema(Schema):
    situation = fields.String(
        required=True,
        validate=validate.OneOf(
            ["beeld_leerling", "kinderporno_gedeeld", "anders"], error="Kies een van de mogelijkheden."
        ),
        error_messages=_MESSAGES,
    )
    learned_how = fields.String(
        required=True,
        validate=[TOO_LONG, _required_text],
        error_messages=_MESSAGES,
    )


SITUATIONS: Choices = (
    ("beeld_leerling", "Een naaktfoto of seksvideo van een leerling gaat rond"),
    (
        "kinderporno_gedeeld",
        "Leerlingen hebben kinderpornografisch materiaal in bezit of delen het; er is geen leerling "
        "van de school op te zien",
    ),
    ("anders", "Iets anders"),
)


class ReasonSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[validate.Length(max=500, error="Gebruik hoogstens 500 tekens."), _required_text],
        error_messages=_MESSAGES,
    )


class CorrectionSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[TOO_LONG, _required_text],
        error_messages=_MESSAGES,
    )
    withdraws = fields.Boolean(load_default=False)


# --------------------------------------------------------------- form → JSON data
