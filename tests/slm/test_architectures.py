"""The build path serves the SLM families operators bring.

For each architecture a tiny random model is converted by the production
code (``build.convert_local``), loaded by the runtime pool, and checked
against transformers itself: same token log-likelihoods (float32), same
greedy tokens; the int8 conversion loads, generates and scores.
"""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from extraction.slm import build  # noqa: E402
from extraction.slm.registry import ModelSpec, Registry  # noqa: E402
from extraction.slm.runtime import ModelPool  # noqa: E402

from .tiny import SAMPLE, build_tokenizer, configs, save_checkpoint  # noqa: E402

ARCHS = ["llama3.2", "mistral", "gemma2", "gemma3", "phi3", "qwen2.5", "qwen3"]
PROMPT, CONTINUATION = SAMPLE[:40], SAMPLE[40:]


def _spec(name, path, compute_type):
    return ModelSpec(
        name=name, kind="generator", path=str(path), compute_type=compute_type, device="cpu", threads=1,
        prompt_format="chatml", max_input_tokens=512,
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-slm")
    tokenizer = build_tokenizer()
    vocab = tokenizer.get_vocab_size()
    models, specs = {}, []
    for name, config in configs(vocab).items():
        ckpt = save_checkpoint(name, config, tokenizer, root / "hf")
        for quant in ("float32", "int8"):
            out = root / "ct2" / f"{name}-{quant}"
            build.convert_local(ckpt, out, name=f"{name}-{quant}", quantization=quant)
            specs.append(_spec(f"{name}-{quant}", out, quant))
        models[name] = ckpt
    # Sliding-window variants, with a window shorter than the test prompts.
    for name, config in configs(vocab, sliding_window=8).items():
        if name in ("mistral", "gemma3"):
            ckpt = save_checkpoint(f"{name}-sw", config, tokenizer, root / "hf")
            out = root / "ct2" / f"{name}-sw"
            build.convert_local(ckpt, out, name=f"{name}-sw", quantization="float32")
            specs.append(_spec(f"{name}-sw", out, "float32"))
            models[f"{name}-sw"] = ckpt
    pool = ModelPool(Registry(specs), models_dir=root)
    return pool, models


def _hf(ckpt):
    return transformers.AutoModelForCausalLM.from_pretrained(ckpt).eval()


def _reference_logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].double()
    lp = torch.log_softmax(logits, -1)
    return np.array([lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)])


def _ids(pool, name, text):
    tok = pool.get(name, "generator").tokenizer
    return tok.encode(text, add_special_tokens=False).ids


@pytest.mark.parametrize("arch", ARCHS + ["mistral-sw", "gemma3-sw"])
def test_score_matches_transformers(tiny, arch):
    pool, models = tiny
    name = arch if arch.endswith("-sw") else f"{arch}-float32"
    prompt_ids = _ids(pool, name, PROMPT)
    cont_ids = _ids(pool, name, CONTINUATION)
    ref = _reference_logprobs(_hf(models[arch]), prompt_ids + cont_ids)[-len(cont_ids):]
    result = pool.score(PROMPT, [CONTINUATION], model=name, raw=True, terminate=False)
    got = result.scores[0]
    assert got.tokens == len(cont_ids)
    assert got.logprob == pytest.approx(float(ref.sum()), abs=2e-3)
    if arch.endswith("-sw"):
        assert len(prompt_ids) + len(cont_ids) > 8  # longer than the window: the exact slow path ran


@pytest.mark.parametrize("arch", ARCHS + ["mistral-sw", "gemma3-sw"])
def test_greedy_generation_matches_transformers(tiny, arch):
    pool, models = tiny
    name = arch if arch.endswith("-sw") else f"{arch}-float32"
    loaded = pool.get(name, "generator")
    prompt_ids = _ids(pool, name, SAMPLE)
    end_ids = [loaded.tokenizer.token_to_id(t) for t in loaded.end_tokens]
    with torch.no_grad():
        out = _hf(models[arch]).generate(
            torch.tensor([prompt_ids]), max_new_tokens=10, do_sample=False, eos_token_id=end_ids, pad_token_id=3,
        )
    expected = [i for i in out[0][len(prompt_ids):].tolist() if i not in end_ids]
    result = pool.generate([SAMPLE], max_tokens=10, model=name, raw=True)
    assert list(result.completions[0].token_ids) == expected


@pytest.mark.parametrize("arch", ARCHS)
def test_int8_model_generates_and_scores(tiny, arch):
    pool, _ = tiny
    name = f"{arch}-int8"
    g = pool.generate(["What is the total?", "Hello"], max_tokens=6, model=name)
    assert len(g.completions) == 2
    assert all(c.output_tokens <= 6 and c.finish_reason in ("eos", "length") for c in g.completions)
    assert g.usage.output_tokens == sum(c.output_tokens for c in g.completions)
    assert g.usage.prompt_tokens == sum(c.prompt_tokens for c in g.completions) > 0
    assert g.usage.compute_type == "int8"
    s = pool.score("What is the total?", ["1,234.56 EUR", "30 days"], model=name)
    assert all(math.isfinite(x.logprob) and x.logprob < 0 for x in s.scores)
    # int8 stays close to float32 on the same weights
    ref = pool.score("What is the total?", ["1,234.56 EUR", "30 days"], model=f"{arch}-float32")
    for a, b in zip(s.scores, ref.scores):
        assert a.logprob == pytest.approx(b.logprob, rel=0.15, abs=1.5)


def test_conversion_records_runtime_facts(tiny):
    pool, _ = tiny
    manifest = pool.get("gemma3-sw", "generator").manifest
    assert manifest["runtime"]["sliding_window"] == 8
    assert manifest["runtime"]["architecture"]["model_type"] == "gemma3_text"
    assert manifest["source"]["files"]  # sha256 of the checkpoint's safetensors
    assert not build.check_outputs(pool.get("qwen3-int8", "generator").path, hashes=True)


def test_build_models_convert_command(tiny, tmp_path):
    from django.core.management import call_command

    pool, models = tiny
    call_command(
        "build_models", "--convert", str(models["qwen2.5"]), "--name", "my-qwen", "--models-dir", str(tmp_path)
    )
    manifest = build.read_manifest(tmp_path / "my-qwen")
    assert manifest["name"] == "my-qwen" and manifest["quantization"] == "int8"
    assert not build.check_outputs(tmp_path / "my-qwen", manifest, hashes=True)
    spec = _spec("my-qwen", tmp_path / "my-qwen", "int8")
    assert ModelPool(Registry([spec]), tmp_path).generate(["hi"], max_tokens=3).completions[0].output_tokens <= 3
