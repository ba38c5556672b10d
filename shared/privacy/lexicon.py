"""The name finder's lexicon: deduce's lookup structures for names only, kept in a small file.

deduce loads every lookup structure it has (streets, places, care institutions, names) into
one process: about a gigabyte and ten seconds, and on first use it writes its cache into its
own installed package. The privacy guard runs only deduce's name rules, which need the
first-name and surname lists, the prefixes, interfixes and the whitelist: a few megabytes.
This module builds those from deduce's source lists (never touching deduce's own cache),
stores them beside the interpreter (`<prefix>/share/zorgvuldig`, where the image builds them)
or else in the user's cache folder, and gives a `Deduce` that runs with them alone.

`python -m shared.privacy.lexicon` builds the file and then loads the finder with it; it exits
non-zero when the finder cannot load, so an image build fails instead of a letter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("privacy")

FORMAT = 1
NAME_GROUP = "names"
# deduce's lists the name rules never read: they are most of its memory.
NOT_FOR_NAMES = frozenset(
    {
        "institutions/lst_healthcare_institution",
        "institutions/lst_hospital",
        "locations/lst_placename",
        "locations/lst_street",
    }
)
NAME_TRIES = ("first_name", "surname", "eponymous_disease")


class LexiconUnavailable(Exception):
    """Raised when the names lexicon can neither be read nor built."""


def _deduce_paths() -> tuple[str, Path, Path]:
    import deduce
    from deduce.deduce import _BASE_CONFIG_FILE, _LOOKUP_LIST_PATH

    return deduce.__version__, Path(_LOOKUP_LIST_PATH), Path(_BASE_CONFIG_FILE)


def _source_lists() -> list[str]:
    from deduce.data.lookup.src import all_lists

    return [name for name in all_lists if name not in NOT_FOR_NAMES]


def fingerprint() -> str:
    """Changes when deduce, its name lists or this module's format change."""
    version, lookup_path, _ = _deduce_paths()
    digest = hashlib.sha256(f"{FORMAT}:{version}".encode())
    for name in _source_lists():
        for file in sorted((lookup_path / "src" / name).glob("**/*")):
            if file.is_file():
                stat = file.stat()
                digest.update(f"{file.relative_to(lookup_path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def folders() -> list[Path]:
    """Where the lexicon is looked for, and written to, in this order."""
    return [Path(sys.prefix) / "share" / "zorgvuldig", Path.home() / ".cache" / "zorgvuldig"]


def _file_name(key: str) -> str:
    return f"deduce-namen-{key}"


def build() -> Any:
    """deduce's name lookup structures, built from its source lists in memory."""
    import docdeid as dd
    from deduce import Deduce
    from deduce.lookup_structs import _LOOKUP_SET_LOADERS, _LOOKUP_TRIE_LOADERS, load_raw_itemsets

    _, lookup_path, _ = _deduce_paths()
    tokenizer = Deduce._initialize_tokenizer(lookup_path)
    items = load_raw_itemsets(base_path=lookup_path, subdirs=_source_lists())
    structs = dd.ds.DsCollection()
    for name in set(items) - set(_LOOKUP_SET_LOADERS) - set(_LOOKUP_TRIE_LOADERS):
        lookup_set = dd.ds.LookupSet()
        lookup_set.add_items_from_iterable(items[name])
        structs[name] = lookup_set
    for name, load_set in _LOOKUP_SET_LOADERS.items():
        structs[name] = load_set(items)
    for name in NAME_TRIES:
        structs[name] = _LOOKUP_TRIE_LOADERS[name](items, tokenizer)
    return structs


def save(structs: Any, key: str) -> Path | None:
    """Writes the lexicon where it can, whole or not at all (a temporary name, then a rename)."""
    version, _, _ = _deduce_paths()
    content = {"deduce_version": version, "saved_datetime": "9999-12-31T00:00:00", "lookup_structs": structs}
    for folder in folders():
        target = folder / _file_name(key) / "cache" / "lookup_structs.pickle"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as out:
                pickle.dump(content, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(out.name, 0o644)  # built by whoever installs, read by every process's user
            os.replace(out.name, target)
            return target.parent.parent
        except OSError:
            continue
    return None


def find(key: str) -> Path | None:
    for folder in folders():
        candidate = folder / _file_name(key)
        if (candidate / "cache" / "lookup_structs.pickle").is_file():
            return candidate
    return None


def names_config() -> dict[str, Any]:
    """deduce's own configuration with only its name annotators."""
    _, _, base_config = _deduce_paths()
    config = json.loads(base_config.read_text(encoding="utf-8"))
    config["annotators"] = {
        name: annotator
        for name, annotator in config["annotators"].items()
        if annotator.get("group") == NAME_GROUP
    }
    return config


def ensure() -> Path:
    """The folder with a current lexicon, built and written now if there is none."""
    key = fingerprint()
    found = find(key)
    if found is not None:
        return found
    log.info("Namenlijst van de privacycontrole wordt opgebouwd (eenmalig).")
    saved = save(build(), key)
    if saved is None:
        raise LexiconUnavailable(
            f"geen schrijfbare map voor de namenlijst in {', '.join(map(str, folders()))}"
        )
    return saved


def name_deduce() -> Any:
    """A Deduce that runs its name rules on the names lexicon alone."""
    from deduce import Deduce

    folder = ensure()
    # deduce reads `<cache_path>/cache/lookup_structs.pickle` and checks it against the source
    # lists under `<cache_path>/src`, which this folder does not have: it never rebuilds or writes.
    return Deduce(load_base_config=False, config=names_config(), cache_path=folder)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = ensure()
    print(f"Namenlijst van de privacycontrole: {folder}")
    from shared.privacy.people import NameFinder

    finder = NameFinder()
    finder.load()
    if not finder.ready:
        print(f"De privacycontrole laadt niet: {finder.error}", file=sys.stderr)
        return 1
    if sorted(finder.persons("Gisteren sprak juf Priya met Sanne.")) != ["Priya", "Sanne"]:
        print("De privacycontrole vindt de namen in de proefzin niet.", file=sys.stderr)
        return 1
    print("De privacycontrole is geladen.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
