"""The SLM runtime: a process-wide pool of CTranslate2 models.

Each model is loaded once per process (a Celery worker child loads it at
``worker_process_init`` through ``warm_up()``; anything else loads it on
first use) and shared by every thread of the process. Calls batch their
inputs. Every call returns a small result dataclass with a ``Usage`` (model,
prompt and output tokens, latency) for the audit log.

Only ctranslate2, tokenizers and numpy are needed here. No prompt or
document text is ever logged: log lines carry model names, counts and times.
"""
from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import prompts as prompt_formats
from .errors import (
    ModelCorruptError,
    ModelNotBuiltError,
    ModelUnavailableError,
    PromptTooLongError,
    SLMError,
)
from .registry import ModelSpec, Registry, default_models_dir, get_registry

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Usage:
    """Token accounting of one call, for the audit log."""

    model: str
    kind: str
    prompt_tokens: int
    output_tokens: int
    latency_ms: float
    items: int  # texts, prompts or scored sequences in the call
    device: str
    compute_type: str
    tier: str = "slm"
    cost_per_1k_tokens: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens

    @property
    def relative_cost(self) -> float:
        return self.total_tokens / 1000.0 * self.cost_per_1k_tokens

    def as_dict(self) -> dict:
        d = asdict(self)
        d["total_tokens"] = self.total_tokens
        d["relative_cost"] = round(self.relative_cost, 6)
        return d


@dataclass(frozen=True)
class EmbedResult:
    vectors: np.ndarray  # [n, dim] float32, L2-normalised when the model says so
    token_counts: tuple[int, ...]
    truncated: tuple[bool, ...]
    usage: Usage

    def __len__(self):
        return len(self.vectors)


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    output_tokens: int
    finish_reason: str  # "stop" (a stop string), "eos" (end token), "length" (max_tokens)
    token_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class GenerateResult:
    completions: tuple[Completion, ...]
    usage: Usage

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.completions]

    def __len__(self):
        return len(self.completions)


@dataclass(frozen=True)
class CandidateScore:
    candidate: str
    logprob: float  # sum of the candidate's token log-probabilities given the prompt
    tokens: int
    mean_logprob: float


@dataclass(frozen=True)
class ScoreResult:
    scores: tuple[CandidateScore, ...]  # in the order of the candidates given
    usage: Usage

    @property
    def logprobs(self) -> list[float]:
        return [s.logprob for s in self.scores]

    @property
    def best(self) -> CandidateScore | None:
        return max(self.scores, key=lambda s: s.logprob) if self.scores else None

    @property
    def best_index(self) -> int | None:
        return max(range(len(self.scores)), key=lambda i: self.scores[i].logprob) if self.scores else None

    def ranked(self) -> list[CandidateScore]:
        return sorted(self.scores, key=lambda s: s.logprob, reverse=True)

    def probabilities(self) -> list[float]:
        """Softmax of the candidates' log-likelihoods: a distribution over the given values."""
        if not self.scores:
            return []
        lp = np.array(self.logprobs, dtype=np.float64)
        p = np.exp(lp - lp.max())
        return (p / p.sum()).tolist()


# --------------------------------------------------------------------------- loaded models


def _cpu_threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


_AVX512_FLAGS = {"avx512f", "avx512bw", "avx512dq", "avx512vl"}


def configure_cpu_backend(cpuinfo: str = "/proc/cpuinfo") -> str | None:
    """Let CTranslate2 use its AVX-512 kernels on non-Intel CPUs that have AVX-512.

    CTranslate2 picks AVX-512 for its own kernels (quantisation, softmax, GELU,
    layer norm, ...) only on Intel CPUs and AVX2 elsewhere, e.g. on AMD Zen 4
    (the GEMMs go to oneDNN, which detects the ISA itself). Forcing AVX-512
    where the CPU has it made MiniLM ~13% faster per CPU-second on an AMD EPYC
    (35.0 vs 30.9 chunks/CPU-s, batch 8; SmolLM2 decoding 0-20%, within the noise
    of a shared machine); embeddings and greedy agreement with PyTorch stay as
    they were (bench/slm_bench.py). An operator's own
    ``CT2_FORCE_CPU_ISA`` wins. Must run before the first model loads; returns
    the value set, if any. ``cpuinfo`` is where the vendor and flags are read.
    """
    if os.environ.get("CT2_FORCE_CPU_ISA"):
        return None
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as fh:
            head = fh.read(1 << 16)
    except OSError:  # not Linux: leave CTranslate2's choice
        return None
    vendor = next((line.split(":", 1)[1].strip() for line in head.splitlines() if line.startswith("vendor_id")), "")
    flags_line = next((line for line in head.splitlines() if line.startswith("flags")), "")
    if vendor == "GenuineIntel" or not _AVX512_FLAGS <= set(flags_line.split()):
        return None  # Intel: CTranslate2 already uses AVX-512; no AVX-512: nothing to force
    os.environ["CT2_FORCE_CPU_ISA"] = "AVX512"
    return "AVX512"


def resolve_device(requested: str) -> str:
    import ctranslate2

    if requested == "cpu":
        return "cpu"
    has_cuda = False
    try:
        has_cuda = ctranslate2.get_cuda_device_count() > 0
    except Exception:  # noqa: BLE001 - a broken CUDA setup means CPU
        has_cuda = False
    if requested == "cuda" and not has_cuda:
        raise SLMError("device 'cuda' was asked for but CTranslate2 sees no CUDA device")
    return "cuda" if has_cuda else "cpu"


def resolve_compute_type(spec: ModelSpec, device: str) -> str:
    import ctranslate2

    wanted = spec.cuda_compute_type if device == "cuda" else spec.compute_type
    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except Exception:  # noqa: BLE001
        return wanted
    if wanted in ("default", "auto") or wanted in supported:
        return wanted
    for fallback in ("int8_float16", "int8_float32", "int8", "float16", "float32"):
        if fallback in supported:
            log.warning("model %s: compute type %s unsupported on %s, using %s", spec.name, wanted, device, fallback)
            return fallback
    return "default"


def _fingerprint(path: Path) -> tuple:
    parts = []
    for name in ("", "model.bin", MANIFEST, "config.json"):
        try:
            st = (path / name).stat()
            parts.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            parts.append((name, None, None))
    return tuple(parts)


class LoadedModel:
    """One CTranslate2 model with its tokenizer, shared by the threads of a process."""

    def __init__(self, spec: ModelSpec, path: Path):
        import ctranslate2
        from tokenizers import Tokenizer

        self.spec, self.path = spec, path
        self.manifest = _read_json(path / MANIFEST) or {}
        self.runtime = self.manifest.get("runtime") or {}
        _check_files(spec, path, self.manifest)
        self.device = resolve_device(spec.device)
        self.compute_type = resolve_compute_type(spec, self.device)
        if self.device == "cpu":
            configure_cpu_backend()
        threads = spec.threads or _cpu_threads()
        started = time.perf_counter()
        cls = ctranslate2.Encoder if spec.kind == "encoder" else ctranslate2.Generator
        try:
            self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
            self.model = cls(
                str(path),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=spec.inter_threads,
                intra_threads=threads if self.device == "cpu" else 0,
            )
        except Exception as exc:  # noqa: BLE001 - any load failure means an unusable folder
            raise ModelCorruptError(spec.name, path, f"{type(exc).__name__}: {exc}") from None
        self.load_seconds = time.perf_counter() - started
        self.tokenizer.no_padding()
        self._ct2_config = _read_json(path / "config.json") or {}
        if spec.kind == "encoder":
            self.max_length = int(self.runtime.get("max_length") or spec.max_input_tokens)
            self.tokenizer.enable_truncation(self.max_length)
            self.pooling = self.runtime.get("pooling", "mean")
        else:
            self.tokenizer.no_truncation()
            self.max_length = spec.max_input_tokens
            tok_config = _read_json(path / "tokenizer_config.json") or {}
            self.bos = _token_text(tok_config.get("bos_token")) or self._ct2_config.get("bos_token")
            self.eos = _token_text(tok_config.get("eos_token")) or self._ct2_config.get("eos_token")
            self.format = prompt_formats.formatter_for(spec.prompt_format, path, self.bos, self.eos)
            vocab = self.tokenizer.get_vocab(with_added_tokens=True)
            ends = list(prompt_formats.END_TOKENS.get(spec.prompt_format, ()))
            if self.eos:
                ends.append(self.eos)
            self.end_tokens = [t for t in dict.fromkeys(ends) if t in vocab]
            self.terminator = self.end_tokens[0] if self.end_tokens else None
            self.sliding_window = int(self.runtime.get("sliding_window") or 0)
        log.info(
            "loaded model %s (%s) on %s/%s with %d threads in %.2fs",
            spec.name, spec.kind, self.device, self.compute_type, threads, self.load_seconds,
        )

    def usage(self, prompt_tokens: int, output_tokens: int, started: float, items: int) -> Usage:
        latency = (time.perf_counter() - started) * 1000.0
        log.debug(
            "model %s: %d items, %d prompt + %d output tokens in %.1f ms",
            self.spec.name, items, prompt_tokens, output_tokens, latency,
        )
        return Usage(
            model=self.spec.name, kind=self.spec.kind, prompt_tokens=prompt_tokens, output_tokens=output_tokens,
            latency_ms=round(latency, 3), items=items, device=self.device, compute_type=self.compute_type,
            tier=self.spec.tier, cost_per_1k_tokens=float(self.spec.cost_per_1k_tokens),
        )

    # ----- encoder

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> EmbedResult:
        import ctranslate2

        started = time.perf_counter()
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        ids = [e.ids for e in encodings]
        truncated = tuple(bool(e.overflowing) for e in encodings)
        dim = None
        vectors: list[np.ndarray | None] = [None] * len(ids)
        lengths = [len(x) for x in ids]
        order = sorted(range(len(ids)), key=lengths.__getitem__)
        for batch in _token_batches(order, lengths, max(1, batch_size), EMBED_BATCH_TOKENS):
            out = self.model.forward_batch([ids[i] for i in batch])
            hidden = out.last_hidden_state
            if hidden.device != "cpu":
                hidden = hidden.to_device(ctranslate2.Device.cpu)
            hidden = np.asarray(hidden, dtype=np.float32)
            for row, i in enumerate(batch):
                n = lengths[i]
                if self.pooling == "cls":
                    v = hidden[row, 0]
                else:
                    v = hidden[row, :n].mean(axis=0)
                if self.spec.normalize:
                    norm = float(np.linalg.norm(v))
                    v = v / norm if norm > 0 else v
                vectors[i] = v.astype(np.float32)
                dim = v.shape[0]
        matrix = np.stack(vectors) if vectors else np.zeros((0, dim or 0), dtype=np.float32)
        counts = tuple(lengths)
        return EmbedResult(matrix, counts, truncated, self.usage(sum(counts), 0, started, len(texts)))

    # ----- generator

    def encode_prompt(self, prompt, system=None, raw=False) -> list[str]:
        if raw:
            if not isinstance(prompt, str):
                raise TypeError("a raw prompt is a string")
            text = prompt
        else:
            text = self.format(prompt_formats.as_messages(prompt, system if system is not None else self.spec.system_prompt))
        tokens = self.tokenizer.encode(text, add_special_tokens=False).tokens
        if len(tokens) > self.max_length:
            raise PromptTooLongError(self.spec.name, len(tokens), self.max_length)
        return tokens

    def generate(
        self,
        prompts: Sequence,
        max_tokens: int = 64,
        stop: Sequence[str] | None = None,
        *,
        system: str | None = None,
        raw: bool = False,
        temperature: float = 0.0,
        top_p: float = 1.0,
        batch_size: int = 16,
    ) -> GenerateResult:
        started = time.perf_counter()
        if isinstance(prompts, str):
            raise TypeError("generate() takes a list of prompts")
        token_batches = [self.encode_prompt(p, system, raw) for p in prompts]
        stops = [s for s in (stop or ()) if s]
        if not token_batches:
            return GenerateResult((), self.usage(0, 0, started, 0))
        generated: dict[int, list[int]] = {}
        callback = None
        if stops:
            def callback(step):  # runs between decoding steps; True ends that batch item
                ids = generated.setdefault(step.batch_id, [])
                ids.append(step.token_id)
                text = self.tokenizer.decode(ids)
                return any(s in text for s in stops)

        kwargs = dict(
            max_length=max(1, int(max_tokens)),
            include_prompt_in_result=False,
            end_token=self.end_tokens or None,
            max_batch_size=batch_size,
        )
        if temperature and temperature > 0:
            kwargs.update(sampling_topk=0, sampling_topp=top_p, sampling_temperature=temperature)
        else:
            kwargs.update(sampling_topk=1)
        if callback is not None:
            kwargs["callback"] = callback
        window = self.sliding_window
        slow = [i for i, t in enumerate(token_batches) if window and len(t) > window]
        fast = [i for i in range(len(token_batches)) if i not in set(slow)]
        results: list = [None] * len(token_batches)
        if fast:
            out = self.model.generate_batch([token_batches[i] for i in fast], **kwargs)
            for i, r in zip(fast, out):
                results[i] = list(r.sequences_ids[0])
        for i in slow:
            # CTranslate2 4.8 forwards a prompt longer than a sliding attention window
            # wrongly in one pass; token by token (constrained decoding) it is exact.
            n = len(token_batches[i])
            slow_kwargs = {k: v for k, v in kwargs.items() if k != "callback"}
            slow_kwargs.update(include_prompt_in_result=True, max_length=kwargs["max_length"] + n - 1)
            r = self.model.generate_batch([token_batches[i]], **slow_kwargs)[0]
            seq = list(r.sequences_ids[0])
            prompt_ids = [self.tokenizer.token_to_id(t) for t in token_batches[i]]
            # The result repeats the prompt, less its first token when that is the start (BOS) token.
            skip = n if seq[:n] == prompt_ids else n - 1
            results[i] = seq[skip:]
        completions = []
        out_total = 0
        for i, (tokens, ids) in enumerate(zip(token_batches, results)):
            text = self.tokenizer.decode(ids)
            if any(s in text for s in stops):
                cut = min((text.find(s) for s in stops if s in text), default=len(text))
                text, reason = text[:cut], "stop"
            elif len(ids) >= kwargs["max_length"]:
                reason = "length"
            else:
                reason = "eos"
            out_total += len(ids)
            completions.append(Completion(text, len(tokens), len(ids), reason, tuple(ids)))
        prompt_total = sum(len(t) for t in token_batches)
        return GenerateResult(tuple(completions), self.usage(prompt_total, out_total, started, len(completions)))

    def _candidate_tokens(self, candidate: str, terminate: bool) -> list[str]:
        tokens = self.tokenizer.encode(candidate, add_special_tokens=False).tokens
        if terminate and self.terminator:
            tokens.append(self.terminator)
        return tokens

    def score_batch(
        self,
        items: Sequence[tuple],
        *,
        system: str | None = None,
        raw: bool = False,
        terminate: bool = True,
        batch_size: int = 16,
    ) -> list[ScoreResult]:
        """Log-likelihood of each candidate as the answer to its prompt.

        ``items``: ``(prompt, candidates)`` pairs. Every (prompt + candidate)
        sequence of the call goes to the model in one batched call.
        ``terminate`` appends the format's end-of-turn token to each candidate,
        so the score is that of "exactly this answer".
        """
        started = time.perf_counter()
        sequences, fed = [], 0
        prepared = []
        for prompt, candidates in items:
            if isinstance(candidates, str):
                raise TypeError("candidates must be a list of strings")
            ptoks = self.encode_prompt(prompt, system, raw)
            rows = []
            for cand in candidates:
                ctoks = self._candidate_tokens(str(cand), terminate)
                if not ctoks:
                    rows.append((str(cand), None, 0))
                    continue
                seq = ptoks + ctoks
                if len(seq) > self.max_length:
                    raise PromptTooLongError(self.spec.name, len(seq), self.max_length)
                rows.append((str(cand), len(sequences), len(ctoks)))
                sequences.append(seq)
                fed += len(seq)
            prepared.append(rows)
        logprobs = self._token_logprobs(sequences, batch_size) if sequences else []
        results = []
        for rows in prepared:
            scores = []
            for cand, index, n in rows:
                if index is None:
                    scores.append(CandidateScore(cand, float("-inf"), 0, float("-inf")))
                    continue
                values = logprobs[index][-n:]
                total = float(np.sum(values))
                scores.append(CandidateScore(cand, total, n, total / n))
            results.append(scores)
        usage = self.usage(fed, 0, started, len(sequences))
        return [ScoreResult(tuple(s), usage) for s in results]

    def _token_logprobs(self, sequences: list[list[str]], batch_size: int) -> list[np.ndarray]:
        """log P(token_i | tokens_<i) for i >= 1 of each sequence."""
        window = self.sliding_window
        if window and any(len(s) > window for s in sequences):
            return [self._stepwise_logprobs(s) for s in sequences]
        try:
            results = self.model.score_batch(sequences, max_batch_size=batch_size, max_input_length=0)
        except ValueError as exc:
            # CTranslate2 4.8 cannot score past a sliding attention window in one pass.
            if "buffer to copy" not in str(exc):
                raise
            self.sliding_window = self.sliding_window or 1
            return [self._stepwise_logprobs(s) for s in sequences]
        return [np.asarray(r.log_probs, dtype=np.float64) for r in results]

    def _stepwise_logprobs(self, sequence: list[str]) -> np.ndarray:
        """Slow path for sliding-window models: constrained decoding returns each step's logits."""
        import ctranslate2

        res = self.model.generate_batch(
            [sequence], max_length=len(sequence), include_prompt_in_result=True,
            return_logits_vocab=True, sampling_topk=1,
        )[0]
        logits = res.logits[0]
        if getattr(logits, "device", "cpu") != "cpu":
            logits = logits.to_device(ctranslate2.Device.cpu)
        logits = np.asarray(logits, dtype=np.float64)
        logits = logits - logits.max(axis=-1, keepdims=True)
        logsm = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        vocab = self.tokenizer.get_vocab(with_added_tokens=True)
        ids = [vocab[t] for t in sequence[1:]]
        return logsm[np.arange(len(ids)), ids]


# At most this many (padded) tokens per encoder batch: 8 chunks of 256 tokens. Larger
# batches were slower per document on the CPU, not faster (all-MiniLM-L6-v2, 256-token
# chunks, int8, one thread: 32 docs/CPU-s at 1-8 chunks a batch, 20 at 16, 17-21 at 32):
# the fp32 attention buffers (batch x 12 heads x 256 x 256) outgrow the caches and, past
# glibc's 32 MB mmap threshold, are mapped and page-faulted afresh on every layer.
EMBED_BATCH_TOKENS = 2048


def _token_batches(order: list[int], lengths: list[int], max_items: int, max_tokens: int):
    """Split ``order`` (indices sorted by ascending length) into batches of at most
    ``max_items`` items and ``max_tokens`` padded tokens (one item always fits)."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= max_items or (len(batch) + 1) * max(lengths[i], 1) > max_tokens):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _token_text(value):
    if isinstance(value, dict):
        return value.get("content")
    return value


def _read_json(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _check_files(spec: ModelSpec, path: Path, manifest: dict) -> None:
    if not path.is_dir():
        raise ModelNotBuiltError(spec.name, path, "the model directory does not exist")
    if not (path / "model.bin").is_file():
        raise ModelNotBuiltError(spec.name, path, "the directory holds no model.bin")
    for name in ("config.json", "tokenizer.json"):
        if not (path / name).is_file():
            raise ModelCorruptError(spec.name, path, f"{name} is missing")
    for rel, meta in (manifest.get("outputs") or {}).items():
        f = path / rel
        if not f.is_file():
            raise ModelCorruptError(spec.name, path, f"{rel} is missing (listed in {MANIFEST})")
        if f.stat().st_size != meta.get("size"):
            raise ModelCorruptError(
                spec.name, path, f"{rel} has {f.stat().st_size} bytes, {MANIFEST} says {meta.get('size')}"
            )


# --------------------------------------------------------------------------- the pool


class ModelPool:
    """Loads each registered model at most once per process; safe to share between threads.

    A model that failed to load is not retried on every call (no crash
    loop, no repeated multi-second load attempts): the same error is raised
    again until the model's folder changes (e.g. after ``build_models``).
    After a fork the child starts with an empty pool.
    """

    def __init__(self, registry: Registry | None = None, models_dir: str | os.PathLike | None = None):
        self._registry = registry
        self._models_dir = Path(models_dir) if models_dir else None
        self._lock = threading.Lock()
        self._reset()

    def _reset(self):
        self._pid = os.getpid()
        self._loaded: dict[str, LoadedModel] = {}
        self._failed: dict[str, tuple[tuple, ModelUnavailableError]] = {}
        self._loading: dict[str, threading.Lock] = {}

    @property
    def registry(self) -> Registry:
        return self._registry or get_registry()

    @property
    def models_dir(self) -> Path:
        return self._models_dir or default_models_dir()

    def _check_pid(self):
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._reset()

    def get(self, model: str | ModelSpec | None = None, kind: str = "generator") -> LoadedModel:
        self._check_pid()
        spec = self.registry.resolve(model, kind)
        loaded = self._loaded.get(spec.name)
        if loaded is not None and loaded.spec == spec:
            return loaded
        with self._lock:
            name_lock = self._loading.setdefault(spec.name, threading.Lock())
        with name_lock:
            loaded = self._loaded.get(spec.name)
            if loaded is not None and loaded.spec == spec:
                return loaded
            path = spec.resolve_path(self.models_dir)
            fingerprint = _fingerprint(path)
            failed = self._failed.get(spec.name)
            if failed and failed[0] == fingerprint:
                raise failed[1]
            try:
                loaded = LoadedModel(spec, path)
            except ModelUnavailableError as exc:
                self._failed[spec.name] = (fingerprint, exc)
                log.error("model %s unavailable: %s", spec.name, exc.reason)
                raise
            self._failed.pop(spec.name, None)
            self._loaded[spec.name] = loaded
            return loaded

    def loaded(self) -> list[str]:
        self._check_pid()
        return list(self._loaded)

    def unload(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._loaded.clear()
                self._failed.clear()
            else:
                self._loaded.pop(name, None)
                self._failed.pop(name, None)

    def warm_up(self, names: Iterable[str] | None = None) -> dict[str, str]:
        """Load the given (default: all registered) models; never raises for an unavailable one."""
        status = {}
        for name in names or self.registry.names:
            try:
                spec = self.registry.get(name)
                m = self.get(spec, spec.kind)
                status[name] = f"loaded in {m.load_seconds:.2f}s on {m.device}/{m.compute_type}"
            except SLMError as exc:
                status[name] = f"unavailable: {exc}"
        return status

    # ----- the API

    def embed(self, texts: Sequence[str], *, model: str | None = None, batch_size: int = 32) -> EmbedResult:
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts")
        return self.get(model, "encoder").embed(list(texts), batch_size=batch_size)

    def generate(self, prompts, max_tokens: int = 64, stop=None, *, model: str | None = None, **kwargs) -> GenerateResult:
        return self.get(model, "generator").generate(list(prompts) if not isinstance(prompts, str) else prompts, max_tokens, stop, **kwargs)

    def score(self, prompt, candidates: Sequence[str], *, model: str | None = None, **kwargs) -> ScoreResult:
        return self.get(model, "generator").score_batch([(prompt, list(candidates))], **kwargs)[0]

    def score_batch(self, items, *, model: str | None = None, **kwargs) -> list[ScoreResult]:
        return self.get(model, "generator").score_batch(list(items), **kwargs)


_pool: ModelPool | None = None
_pool_lock = threading.Lock()


def get_pool() -> ModelPool:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ModelPool()
    return _pool


def embed(texts: Sequence[str], *, model: str | None = None, batch_size: int = 32) -> EmbedResult:
    """Sentence embeddings ([n, dim], L2-normalised) of ``texts`` with the default (or named) encoder."""
    return get_pool().embed(texts, model=model, batch_size=batch_size)


def generate(prompts, max_tokens: int = 64, stop=None, *, model: str | None = None, **kwargs) -> GenerateResult:
    """Greedy (or sampled, with temperature > 0) completions of each prompt."""
    return get_pool().generate(prompts, max_tokens, stop, model=model, **kwargs)


def score(prompt, candidates: Sequence[str], *, model: str | None = None, **kwargs) -> ScoreResult:
    """Log-likelihood of each candidate as the answer to ``prompt``."""
    return get_pool().score(prompt, candidates, model=model, **kwargs)


def score_batch(items, *, model: str | None = None, **kwargs) -> list[ScoreResult]:
    """``score`` for many (prompt, candidates) pairs in one batched model call."""
    return get_pool().score_batch(items, model=model, **kwargs)


def warm_up(names: Iterable[str] | None = None) -> dict[str, str]:
    """Load the registry's models into this process (call from Celery's worker_process_init).

    Never raises for a missing or corrupt model: the status says why, the
    error is logged once, and tasks that need the model get a clear
    ModelUnavailableError naming ``python manage.py build_models``.
    """
    status = get_pool().warm_up(names)
    for name, state in status.items():
        (log.info if state.startswith("loaded") else log.warning)("warm-up %s: %s", name, state)
    return status
