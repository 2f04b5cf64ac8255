"""What the renamed-type benches share: a trial of bench/renamed_types.json (a labelled type under our own
type and field names and descriptions) prepared on a throwaway database, with its documents copied by
../shared/eval/rename_type.py, for manage.py commands run against it."""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
PYTHON = REPO / ".venv" / "bin" / "python"
RENAME = [sys.executable, str(EVAL / "rename_type.py")]


def prepare(name: str, work: Path, limit: int, skip: int = 0) -> tuple[dict, list[str]]:
    """Copy up to ``limit`` documents of trial ``name``'s source type (after ``skip``) to ``work/set`` with
    renamed gold, and import the type into a fresh database under ``work``. Returns the environment and the
    manage.py command line to run this checkout's commands against that database."""
    trial = json.loads((REPO / "bench" / "renamed_types.json").read_text())[name]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
           "COLONY_SPECIALISTS_DIR": str(work / "specialists"), "COLONY_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(REPO)}  # process_folder's workers import this checkout's code, wherever it runs from
    (work / "map.json").write_text(json.dumps({name: {"from": trial["from"], "fields": trial["fields"]}}))
    (work / "types.json").write_text(json.dumps({name: trial["type"]}))
    subprocess.run(RENAME + ["prep", str(work / "map.json"), name, str(EVAL / "docs"), str(EVAL / "gold.jsonl"),
                             str(work / "set"), str(limit), str(skip)], check=True, stdout=subprocess.DEVNULL)
    manage = [str(PYTHON), str(REPO / "manage.py")]
    subprocess.run(manage + ["migrate", "-v0"], check=True, env=env, cwd=REPO)
    subprocess.run(manage + ["import_type", str(work / "types.json")], check=True, env=env, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    return env, manage
