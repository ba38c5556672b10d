"""The material never enters, also wrapped, spaced or raw (issue 23, item 5; hard rule 1).

A real PNG is made here, encoded the way `base64 foto.png` prints it (76 characters a line),
and offered as a note, as an answer in the conversation with the victim, and through the API.
"""

from __future__ import annotations

import base64
import struct
import zlib
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask

from services.case.domain.guards import looks_like_material
from tests.examples import ACTIONS
from tests.web.conftest import Browser


def real_png(width: int = 16, height: int = 16) -> bytes:
    """A valid PNG image (a red square), built byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 0))
        + chunk(b"IEND", b"")
    )


PNG = real_png()
WRAPPED = base64.encodebytes(PNG).decode()  # 76 characters a line, like `base64 foto.png`
SPACED_URI = "data : image/png ; base64 , " + base64.b64encode(PNG).decode()[:60]

OFFERED = {
    "base64 in regels van 76 tekens": WRAPPED,
    "base64 in regels, ingesprongen": "\n".join("    " + line for line in WRAPPED.splitlines()),
    "base64 met spaties ertussen": " ".join(
        base64.b64encode(PNG).decode()[i : i + 30] for i in range(0, len(WRAPPED), 30)
    ),
    "data-URI met spaties": SPACED_URI,
    "data-URI met spaties en zonder base64": "zie data :image/png;,abc",
    "ruwe PNG-bytes als tekst": PNG.decode("latin-1"),
    "PNG als hex": PNG.hex(),
}


def test_the_png_is_real_and_the_encoding_is_wrapped() -> None:
    assert PNG.startswith(b"\x89PNG\r\n\x1a\n") and len(PNG) > 200
    lines = WRAPPED.splitlines()
    assert len(lines) > 3 and {len(line) for line in lines[:-1]} == {76}
    assert all(len(line) < 120 for line in lines)  # what the check used to miss


@pytest.mark.parametrize("text", list(OFFERED.values()), ids=list(OFFERED))
def test_material_is_refused_in_a_note(handler: Browser, text: str) -> None:
    page = handler.open_incident()
    response = handler.post(f"{page}/acties/NoteAdded", {"text": text})
    assert response.status_code == 422
    assert "beeldmateriaal zelf mag nooit" in response.text


@pytest.mark.parametrize("text", [WRAPPED, SPACED_URI], ids=["base64 in regels", "data-URI met spaties"])
def test_material_is_refused_as_an_answer_in_the_conversation(handler: Browser, text: str) -> None:
    page = handler.open_incident()
    answers = {k: v for k, v in ACTIONS["VictimConversationHeld"].items() if not isinstance(v, list)}
    form = {**answers, "where_seen": "whatsapp", "anything_else": text}
    response = handler.post(f"{page}/acties/VictimConversationHeld", form)
    assert response.status_code == 422 and "beeldmateriaal zelf mag nooit" in response.text


def test_raw_png_bytes_posted_as_a_form_field_are_refused(app: Flask, handler: Browser) -> None:
    page = handler.open_incident()
    body = f"csrf_token={handler.token}&text=".encode() + quote_from_bytes(PNG).encode()
    response = handler.client.post(
        f"{page}/acties/NoteAdded", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422 and "beeldmateriaal zelf mag nooit" in response.text


@pytest.mark.parametrize("text", list(OFFERED.values()), ids=list(OFFERED))
def test_material_is_refused_through_the_api(app: Flask, text: str) -> None:
    token = app.extensions["zorgvuldig.accounts"].issue_token("behandelaar.dewilg", "test")
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    opened = client.post("/api/meldingen", json={"situation": "anders", "learned_how": "via de mentor"},
                         headers=headers)  # fmt: skip
    incident = opened.get_json()["id"]
    response = client.post(
        f"/api/meldingen/{incident}/acties/NoteAdded", json={"data": {"text": text}}, headers=headers
    )
    assert response.status_code == 422 and "beeldmateriaal" in response.get_json()["fout"]
    assert client.get(f"/api/meldingen/{incident}", headers=headers).get_json()["actions"] == []


@pytest.mark.parametrize(
    "prose",
    [
        "De mentor hoorde het van een leerling in groep 8. Zij heeft de ouders gebeld.",
        "Afspraak: metadata: kanaal WhatsApp, datum onbekend; verder niets.",
        "Zie https://www.helpwanted.nl/nl/hulp-nodig/verwijderen-van-beelden-en-video-s voor hulp",
        "Lange woorden als arbeidsongeschiktheidsverzekering en kinderpornografiewetgeving mogen.",
    ],
)
def test_ordinary_text_is_not_taken_for_material(prose: str) -> None:
    assert not looks_like_material(prose)
    assert not looks_like_material("\n".join([prose] * 20))
