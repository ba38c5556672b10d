"""The board's own look over the neutral NL Design System theme: design tokens and a logo from
the `[huisstijl]` table of the board file, served as a stylesheet of custom properties (the
Content-Security-Policy allows no inline style). Whatever the file gets wrong is left out with a
log line, so a page falls back to the neutral theme and never fails on a board file."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, g

from shared.boards import BUILT_IN, Board, BoardFileError, board

log = logging.getLogger("web")

blueprint = Blueprint("house_style", __name__)

# A token is a design token's name without the leading dashes (basis-color-accent-1-bg-default);
# a value is a colour, a length or a font list: nothing that could close the rule or load a file.
TOKEN_NAME = re.compile(r"[a-z][a-z0-9-]{1,80}")
TOKEN_VALUE = re.compile(r"[#A-Za-z0-9 .,%'\"()-]{1,120}")
LOGO_NAME = re.compile(r"[A-Za-z0-9_-]{1,60}\.(svg|png)")
LOGO_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class HouseStyle:
    """What a page uses of a board's look; empty is the neutral theme."""

    name: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    logo: Path | None = None

    def stylesheet(self) -> str:
        lines = "".join(f"  --{name}: {value};\n" for name, value in sorted(self.tokens.items()))
        whose = self.name or "het neutrale thema"
        return f"/* De huisstijl van {whose}. */\n.zorgvuldig-huisstijl {{\n{lines}}}\n"


NEUTRAL = HouseStyle()


def of_board(settings: Board) -> HouseStyle:
    """The usable part of a board's `[huisstijl]`; every rejected entry is logged."""
    tokens = {}
    logo = None
    for key, value in settings.house_style.items():
        if key == "logo":
            logo = _logo(settings, value)
        elif TOKEN_NAME.fullmatch(key) and TOKEN_VALUE.fullmatch(value) and "url" not in value.lower():
            tokens[key] = value
        else:
            log.warning("Huisstijl van %s: %r = %r is geen bruikbaar token; het neutrale thema blijft.",
                        settings.id, key, value)  # fmt: skip
    return HouseStyle(settings.name, tokens, logo)


def _logo(settings: Board, name: str) -> Path | None:
    folder = settings.folder or BUILT_IN
    if LOGO_NAME.fullmatch(name) and (folder / name).is_file():
        return folder / name
    log.warning("Huisstijl van %s: logo %r staat niet als .svg of .png naast het bestuursbestand.",
                settings.id, name)  # fmt: skip
    return None


@cache
def _of(board_id: str, boards_dir: str) -> HouseStyle:
    try:
        return of_board(board(board_id, boards_dir))
    except BoardFileError as error:
        log.warning("%s De pagina's tonen het neutrale thema.", error)
        return NEUTRAL


def current() -> HouseStyle:
    """The look of the signed-in person's board; the neutral theme before signing in."""
    actor = g.get("actor")
    if actor is None or not actor.board_id:
        return NEUTRAL
    return _of(actor.board_id, current_app.extensions["zorgvuldig.settings"].boards_dir)


@blueprint.get("/huisstijl.css")
def stylesheet() -> Response:
    response = Response(current().stylesheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@blueprint.get("/huisstijl/logo")
def logo() -> Response:
    path = current().logo
    if path is None:
        abort(404)
    response = Response(path.read_bytes(), mimetype=LOGO_TYPES[path.suffix.lstrip(".")])
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.jinja_env.globals["house_style"] = current
