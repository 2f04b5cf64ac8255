"""python manage.py models: the model registry, each model's status, size and a one-line self-test."""
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from extraction.fields.general import store
from extraction.slm import build
from extraction.slm.errors import BUILD_COMMAND, SLMError
from extraction.slm.registry import get_registry
from extraction.slm.runtime import ModelPool


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def self_test(pool: ModelPool, spec) -> str:
    started = time.perf_counter()
    if spec.kind == "encoder":
        r = pool.embed(
            ["invoice total amount due", "amount payable on this invoice", "the weather is sunny today"], model=spec.name
        )
        v = r.vectors
        related, unrelated = float(v[0] @ v[1]), float(v[0] @ v[2])
        verdict = "ok" if related > unrelated else "FAIL"
        return (
            f"{verdict}: dim {v.shape[1]}, related {related:.2f} > unrelated {unrelated:.2f} "
            f"({(time.perf_counter() - started) * 1000:.0f} ms)"
        )
    s = pool.score("What is 2 + 2? Answer with a number only.", ["4", "7"], model=spec.name)
    g = pool.generate(["Say hello in one word."], max_tokens=8, model=spec.name)
    verdict = "ok" if s.best.candidate == "4" else "FAIL"
    rate = g.usage.output_tokens / max(g.usage.latency_ms / 1000.0, 1e-6)
    said = g.texts[0].strip().splitlines()[0][:40] if g.texts[0].strip() else ""
    return (
        f"{verdict}: scores '4' {s.scores[0].logprob:.1f} vs '7' {s.scores[1].logprob:.1f}; "
        f"says {said!r} ({rate:.0f} tok/s)"
    )


def _specialists() -> list[dict]:
    """Every stored specialist version of every type, with its training size, date and accuracy."""
    directory = store.root()
    if not directory.is_dir():
        return []
    return [{**meta, "type": type_dir.name} for type_dir in sorted(directory.iterdir()) if type_dir.is_dir()
            for meta in store.versions(type_dir.name)]


class Command(BaseCommand):
    help = "List the model registry with each model's status, size and a one-line self-test."

    def add_arguments(self, parser):
        parser.add_argument("--no-test", action="store_true", help="skip loading the models")
        parser.add_argument("--verify", action="store_true", help="also check every output file's sha256")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--models-dir", help="default: settings.VAR_DIR/models")

    def handle(self, *args, **opts):
        models_dir = Path(opts["models_dir"] or Path(settings.VAR_DIR) / "models")
        try:
            registry = get_registry()
        except SLMError as exc:
            raise CommandError(str(exc)) from None
        pool = ModelPool(registry, models_dir)
        rows = []
        for spec in registry:
            path = spec.resolve_path(models_dir)
            manifest = build.read_manifest(path)
            problems = build.check_outputs(path, manifest, hashes=opts["verify"])
            if problems == ["missing"] or problems == ["no model.bin"]:
                status = "not built" if spec.buildable else "missing"
            elif problems:
                status = "corrupt"
            else:
                status = "ok" if manifest else "ok (no manifest)"
            test = ""
            if not opts["no_test"] and status.startswith("ok"):
                try:
                    test = self_test(pool, spec)
                except SLMError as exc:
                    status, test = "error", str(exc)
            elif not status.startswith("ok"):
                test = "; ".join(problems) + f" - run `{BUILD_COMMAND}`" if spec.buildable else (
                    "operator-converted: see extraction/slm/README.md"
                )
            rows.append({
                "name": spec.name,
                "kind": spec.kind,
                "tier": spec.tier,
                "status": status,
                "size_mb": round(_size(path) / 1e6, 1),
                "compute_type": spec.compute_type,
                "device": spec.device,
                "cost_per_1k_tokens": spec.cost_per_1k_tokens,
                "default": registry.defaults.get(spec.kind) == spec.name,
                "source": (manifest or {}).get("source", {}).get("package") or ("operator" if not spec.buildable else ""),
                "path": str(path),
                "self_test": test,
            })
        specialists = _specialists()
        if opts["json"]:
            self.stdout.write(json.dumps({"registry": registry.origin, "models": rows, "specialists": specialists}, indent=2))
            return
        self.stdout.write(f"registry: {registry.origin}; models dir: {models_dir}")
        header = f"{'name':<24}{'kind':<10}{'tier':<5}{'status':<11}{'size':>9}  {'compute':<8}{'cost/1k':>8}  self-test"
        self.stdout.write(header)
        for r in rows:
            name = r["name"] + (" *" if r["default"] else "")
            self.stdout.write(
                f"{name:<24}{r['kind']:<10}{r['tier']:<5}{r['status']:<11}{r['size_mb']:>7.1f}MB  "
                f"{r['compute_type']:<8}{r['cost_per_1k_tokens']:>8g}  {r['self_test']}"
            )
        self.stdout.write("* default model of its kind")
        if specialists:
            self.stdout.write("\nfield specialists (manage.py train_type):")
            for r in specialists:
                accuracy, target = r.get("cv", {}).get("accuracy"), r.get("target_precision")
                self.stdout.write(
                    f"  {r['type']:<22}{r['version']:<5}{r.get('status', 'unknown'):<10}{r.get('documents', '?'):>5} documents  "
                    f"cross-validated accuracy {'?' if accuracy is None else f'{accuracy:.3f}'}  trained {r.get('trained_at', '?')}"
                    + (f"  thresholds for {target * 100:g}% precision" if isinstance(target, (int, float)) else "")
                    + ("  (in use)" if r["promoted"] else ""))
