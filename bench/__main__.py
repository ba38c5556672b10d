"""Runs every benchmark: the `main()` of each module in bench/, the case service's first."""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from pathlib import Path

FIRST = ("cases",)


def benchmark_modules() -> list[str]:
    names = sorted(p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith("_"))
    return [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]


def main() -> int:
    # Before deduce is imported: it calls logging.basicConfig(level=DEBUG) on stdout, which then
    # printed every SMTP exchange of the letters bench (hundreds of thousands of lines).
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    failed = []
    for name in benchmark_modules():
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"\n######## bench/{name}.py", flush=True)
        try:
            run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nMislukt: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
