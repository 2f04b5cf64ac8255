"""Reading the shared evaluation set's gold file and a process_folder prediction file, for the benches."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"


def load(parser: argparse.ArgumentParser, args: argparse.Namespace, *needed: Path) -> tuple[dict, dict] | None:
    """(gold, predictions) keyed by file name; None (after saying so) when the evaluation set is absent."""
    missing = [p for p in (args.gold, *needed) if not p.exists()]
    if missing:
        print(f"skipped: {', '.join(map(str, missing))} absent")
        return None
    if not args.pred.is_file():
        parser.error(f"{args.pred} is not a file: write it with manage.py process_folder DIR --out {args.pred}")
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
    import django

    django.setup()
    from appliance.routing.calibration import read_jsonl

    return read_jsonl(args.gold), read_jsonl(args.pred)
