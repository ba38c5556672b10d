"""Posted form fields into the shape a schema loads, and its messages back into Dutch."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from services.case.web.forms.actions import FIELDS


def form_data(action: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """Turns posted form fields into the shape the schema loads (lists, booleans)."""
    data: dict[str, Any] = {}
    for spec in FIELDS[action]:
        if spec.kind == "choices":
            data[spec.name] = form.getlist(spec.name)
        elif spec.kind == "lines":
            data[spec.name] = [line.strip() for line in form.get(spec.name, "").splitlines() if line.strip()]
        elif spec.kind == "fixed":
            data[spec.name] = spec.value
        elif spec.kind == "yesno":
            value = form.get(spec.name, "")
            if value:
                data[spec.name] = {"ja": True, "nee": False}.get(value, value)
        else:
            data[spec.name] = form.get(spec.name, "").strip() or spec.default
    return data


def correctable(action: str, data: dict[str, Any]) -> dict[str, Any]:
    """Data a correction may change: a fixed field keeps what was recorded then."""
    fixed = {spec.name for spec in FIELDS[action] if spec.kind == "fixed"}
    return {k: v for k, v in data.items() if k not in fixed}


def load(schema: Schema, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated data and an empty dict, or the input and one Dutch message per field."""
    if not isinstance(data, dict):
        return {}, {"_": "Stuur een JSON-object met de velden van de actie."}
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return data, flatten(error.messages)


def flatten(messages: Any) -> dict[str, str]:
    """marshmallow's nested messages as one Dutch sentence per field."""
    if not isinstance(messages, dict):
        return {"_": _first(messages)}
    out = {}
    for name, value in messages.items():
        if name == "_schema":
            name = "_"
        if isinstance(value, dict) and not all(isinstance(k, int) for k in value):
            out[name] = _first(list(value.values()))
        elif isinstance(value, dict):
            out[name] = _first(list(value.values()))
        else:
            out[name] = _first(value)
        if out[name] == "Unknown field.":
            out[name] = "Dit veld bestaat niet bij deze actie."
    return out


def _first(value: Any) -> str:
    while isinstance(value, list | tuple | dict):
        if not value:
            return "Deze waarde klopt niet."
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return str(value)
