"""The name finder runs deduce on its name lists alone: it finds exactly what all of deduce finds
with the name rules, and loading it as another user never writes into the installed packages."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import deduce
import pytest

from shared.privacy import lexicon
from shared.privacy.people import NOT_NAMES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("corpus.txt")
NAMES = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names"
SITE_PACKAGES = Path(deduce.__file__).parents[1]
SENTENCES = (
    "Gisteren sprak {f} met {s}.",
    "De ouders van {f} {s} belden de school.",
    "Mevrouw {s} en meneer {f} kwamen langs.",
    "Juf {f} vertelde het aan {f2}.",
    "{f}s moeder is {f2} {s}.",
    "Wij hebben de familie {s} gebeld.",
    "Dr. {s} en {f2} van der {s} zijn op de hoogte.",
)


def _sentences(count: int) -> list[str]:
    firsts = (NAMES / "lst_first_name" / "items.txt").read_text(encoding="utf-8").split()
    surnames = (NAMES / "lst_surname" / "items.txt").read_text(encoding="utf-8").splitlines()
    pick = random.Random(22)
    corpus = [
        line.partition("\t")[2] for line in CORPUS.read_text(encoding="utf-8").splitlines() if "\t" in line
    ]
    return corpus + [
        pick.choice(SENTENCES).format(f=pick.choice(firsts), f2=pick.choice(firsts), s=pick.choice(surnames))
        for _ in range(count)
    ]


def _persons(finder: object, text: str) -> list[tuple[str, str, int]]:
    document = finder.deidentify(text, disabled=NOT_NAMES)  # type: ignore[attr-defined]
    return sorted((a.text, a.tag, a.start_char) for a in document.annotations)


def test_the_names_lexicon_finds_what_all_of_deduce_finds_with_its_name_rules() -> None:
    from deduce import Deduce

    whole, names_only = Deduce(), lexicon.name_deduce()
    differ = [t for t in _sentences(600) if _persons(whole, t) != _persons(names_only, t)]
    assert differ == []


def test_the_names_lexicon_holds_no_street_place_or_institution() -> None:
    structures = lexicon.name_deduce().lookup_structs
    assert {"first_name", "surname", "whitelist", "prefix", "interfix"} <= set(structures.keys())
    assert not {"street", "placename", "healthcare_institution", "hospital"} & set(structures.keys())


def _files_under(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if "__pycache__" not in p.parts}


def _read_only_installation(command: list[str]) -> list[str]:
    """The command, run where the interpreter's installation (site-packages and all) cannot be
    written: as this user when it may not write there, or as root in a mount namespace of its
    own where the installation is mounted read-only (root ignores file modes, not that)."""
    prefix = sys.prefix
    if os.geteuid() != 0:
        if os.access(SITE_PACKAGES, os.W_OK):
            pytest.skip("site-packages is schrijfbaar voor deze gebruiker; draai als root of alleen-lezen")
        return command
    if shutil.which("unshare") is None:
        pytest.skip("unshare ontbreekt: geen alleen-lezen installatie te maken")
    mount = f'mount --bind "{prefix}" "{prefix}" && mount -o remount,ro,bind "{prefix}" && exec "$@"'
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount, "sh", "true"], check=False
    )
    if probe.returncode != 0:
        pytest.skip("geen eigen mount-namespace toegestaan: geen alleen-lezen installatie te maken")
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount, "sh", *command]


LOAD_AS_THE_IMAGE_DOES = """
import sys
from pathlib import Path
from shared.privacy import lexicon
first = {first!r}
if first is not None:
    lexicon.folders = lambda: [Path(first), Path.home() / ".cache" / "zorgvuldig"]
from shared.privacy import NameFinder
finder = NameFinder.shared(wait=True)
assert finder.ready, finder.error
print(sorted(finder.persons("Gisteren sprak juf Priya met Sanne.")))
"""


def test_the_image_build_step_builds_the_lexicon_and_proves_the_guard_loads() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shared.privacy.lexicon"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "De privacycontrole is geladen." in done.stdout


@pytest.mark.parametrize("prebuilt", [True, False], ids=["gebouwd-bij-installatie", "eerste-start"])
def test_the_guard_loads_from_a_read_only_installation_without_writing_into_it(
    tmp_path: Path, prebuilt: bool
) -> None:
    """The image's steps: install, build the lexicon as the installer (the step above), then run
    where the installation cannot be written. Without the build step, the lexicon goes into the
    user's own cache folder; either way deduce's package stays exactly as it was installed."""
    subprocess.run(
        [sys.executable, "-m", "shared.privacy.lexicon"], cwd=ROOT, capture_output=True, check=True
    )
    first = None if prebuilt else str(Path(sys.prefix) / "share" / "zorgvuldig-nooit-gebouwd")
    home = tmp_path / "home"
    home.mkdir()
    before = _files_under(SITE_PACKAGES / "deduce")
    command = [sys.executable, "-c", LOAD_AS_THE_IMAGE_DOES.format(first=first)]
    done = subprocess.run(
        _read_only_installation(command),
        cwd=ROOT,
        env={**os.environ, "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "['Priya', 'Sanne']"
    assert _files_under(SITE_PACKAGES / "deduce") == before
    written_at_home = list(home.rglob("lookup_structs.pickle"))
    assert bool(written_at_home) is not prebuilt


def test_without_a_lexicon_to_read_or_write_the_guard_stays_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.privacy import GuardNotReady, NameFinder

    monkeypatch.setattr(lexicon, "folders", lambda: [Path("/proc/geen-plek-voor-een-namenlijst")])
    finder = NameFinder()
    finder.load()
    assert not finder.ready
    assert "namenlijst" in finder.error
    with pytest.raises(GuardNotReady):
        finder.persons("Gisteren sprak juf Priya met Sanne.")
