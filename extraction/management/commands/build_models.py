"""python manage.py build_models: build every missing model of the registry, offline.

Idempotent: a model whose folder matches its inputs is left alone. Built
models are also kept under ~/.cache/colony/models (keyed by the inputs'
sha256) so that another checkout on the same machine copies them.

    python manage.py build_models                 # what is missing
    python manage.py build_models --force         # rebuild everything buildable
    python manage.py build_models --convert /srv/hf/Qwen2.5-1.5B-Instruct --name qwen2.5-1.5b-instruct
"""
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from extraction.slm import build
from extraction.slm.errors import SLMError
from extraction.slm.registry import default_cache_dir, get_registry


class Command(BaseCommand):
    help = "Build the registry's small language models (CTranslate2, int8) into var/models/, offline."

    def add_arguments(self, parser):
        parser.add_argument("--model", action="append", dest="names", metavar="NAME", help="only this model (repeatable)")
        parser.add_argument("--force", action="store_true", help="rebuild even when up to date (ignores the cache)")
        parser.add_argument("--no-cache", action="store_true", help="neither read nor write ~/.cache/colony/models")
        parser.add_argument("--models-dir", help="default: settings.VAR_DIR/models")
        parser.add_argument("--convert", metavar="CHECKPOINT_DIR", help="convert a local transformers checkpoint folder")
        parser.add_argument("--name", help="with --convert: the model's registry name (and folder under var/models/)")
        parser.add_argument("--kind", choices=("generator", "encoder"), default="generator")
        parser.add_argument("--quantization", default="int8", help="with --convert: int8, int8_float16, float16, float32 ...")
        parser.add_argument("--json", action="store_true", help="print the reports as JSON")

    def handle(self, *args, **opts):
        models_dir = Path(opts["models_dir"] or Path(settings.VAR_DIR) / "models")
        if opts["convert"]:
            return self._convert(opts, models_dir)
        started = time.monotonic()
        try:
            registry = get_registry()
            reports = build.build_all(
                registry,
                models_dir,
                default_cache_dir(),
                names=opts["names"],
                force=opts["force"],
                use_cache=not opts["no_cache"],
                on_report=None if opts["json"] else (lambda r: self.stdout.write(r.line())),
            )
        except SLMError as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps([{k: v for k, v in r.__dict__.items() if k != "manifest"} for r in reports], indent=2))
        failed = [r for r in reports if r.status == "failed"]
        if not opts["json"]:
            self.stdout.write(f"models in {models_dir} ({time.monotonic() - started:.1f}s)")
        if failed:
            raise CommandError("could not build: " + ", ".join(r.name for r in failed))

    def _convert(self, opts, models_dir):
        name = opts["name"]
        if not name:
            raise CommandError("--convert needs --name")
        out = models_dir / name
        if out.exists() and not opts["force"]:
            raise CommandError(f"{out} exists; add --force to replace it")
        quant = None if opts["quantization"] in ("none", "") else opts["quantization"]
        try:
            manifest = build.convert_local(
                opts["convert"], out, name=name, kind=opts["kind"], quantization=quant, force=opts["force"]
            )
        except SLMError as exc:
            raise CommandError(str(exc)) from None
        for note in manifest["runtime"].get("approximations", []):
            self.stdout.write(self.style.WARNING(f"note: {note}"))
        self.stdout.write(f"converted {opts['convert']} -> {out} in {manifest['build_seconds']}s")
        self.stdout.write("register it in the file named by COLONY_MODEL_REGISTRY, e.g.:")
        self.stdout.write(
            f"models:\n  - name: {name}\n    kind: {opts['kind']}\n    path: {name}\n    tier: llm\n"
            f"    prompt_format: chatml   # llama3 | mistral | gemma | phi3 | template\n    cost_per_1k_tokens: 10"
        )
