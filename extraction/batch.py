"""Processing a folder of files in-process (``manage.py process_folder``): one scorer-format
line per file, optionally across several worker processes, each loading the models once."""
from __future__ import annotations

import json
import time
from pathlib import Path

from extraction import pipeline
from extraction.slm.metered import by_model
from extraction.text import ExtractionError, extract_pages, sniff_file

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".text", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def runtime_or_none():
    """The SLM runtime when the models are built; rules alone otherwise."""
    try:
        from extraction.slm import runtime

        runtime.warm_up()
        return runtime
    except Exception:  # noqa: BLE001 - missing models degrade to rules, the caller reports it
        return None


_worker_runtime = None
_worker_tier = None
_worker_registry = None
_worker_doc_type = None


def _init_worker(use_llm=False, registry=None, doc_type=None):
    global _worker_runtime, _worker_tier, _worker_registry, _worker_doc_type
    _worker_runtime = runtime_or_none()
    _worker_registry, _worker_doc_type = registry, doc_type
    if use_llm:
        from extraction.llm.tier import configured_tier

        _worker_tier = configured_tier()


def process_file(path: str | Path, runtime=None) -> dict:
    """Scorer-format record for one file, with per-stage timings."""
    path = Path(path)
    runtime = runtime if runtime is not None else _worker_runtime
    record = {"file": path.name}
    started = time.perf_counter()
    try:
        media_type = sniff_file(path)
        if media_type is None:
            raise ExtractionError("unsupported_type", "This kind of file is not supported.")
        extracted = extract_pages(path, media_type)
        pages = [page.text for page in extracted]
    except ExtractionError as exc:
        record.update({"doc_type": None, "error": exc.code, "fields": {}, "timings": {"text": time.perf_counter() - started}})
        return record
    text_time = time.perf_counter() - started
    result = pipeline.run(pages, runtime=runtime, tier=_worker_tier, methods=[page.method for page in extracted],
                          registry=_worker_registry, doc_type=_worker_doc_type)
    record.update(
        {
            "doc_type": result.doc_type,
            "doc_type_confidence": round(result.doc_type_confidence, 4),
            "status": result.validation.status,
            "fields": {name: field.as_dict() for name, field in result.fields.items()},
            "pii": [
                {**span.to_dict(), "text": pages[span.page - 1][span.start:span.end]} for span in result.pii
            ],
            "timings": {"text": text_time, **result.timings},
            "usage": usage_summary(result.usage, sum(len(page) for page in pages)),
        }
    )
    return record


def usage_summary(usage: list, text_chars: int) -> dict:
    """Tokens and relative cost per model of one document (the routing report's cost, per file)."""
    models = {
        model: {"tier": calls[0].tier, "tokens": sum(c.total_tokens for c in calls),
                "cost": round(sum(c.relative_cost for c in calls), 6)}
        for model, calls in by_model(usage).items()
    }
    return {"text_chars": text_chars, "models": models}


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def process_folder(folder: Path, out: Path, *, workers: int = 1, progress=None, use_llm: bool = False,
                   registry=None, doc_type: str | None = None):
    """Write one line per file to ``out``; returns the summed per-stage timings and the wall time.

    ``registry``: the document types (default: the shipped ones); ``doc_type``: every file is of this
    type, so classification is skipped."""
    files = files_in(folder)
    totals: dict[str, float] = {}
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink:
        if workers > 1:
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(use_llm, registry, doc_type)) as pool:
                records = pool.imap(process_file, files, chunksize=2)
                _write(records, sink, totals, progress, len(files))
        else:
            _init_worker(use_llm, registry, doc_type)
            _write(map(process_file, files), sink, totals, progress, len(files))
    return files, totals, time.perf_counter() - started


def _write(records, sink, totals, progress, count):
    bar = progress(total=count) if progress else None
    for record in records:
        for stage, seconds in record.get("timings", {}).items():
            totals[stage] = totals.get(stage, 0.0) + seconds
        sink.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        if bar:
            bar.update(1)
    if bar:
        bar.close()
