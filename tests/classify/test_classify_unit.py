"""Classifier mechanics with a stand-in runtime: no models needed, milliseconds."""
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

import extraction.classify as classify_mod
from extraction.classify import DOC_TYPES, Classification, classify, combine
from extraction.classify import model
from extraction.classify.descriptions import DESCRIPTIONS, descriptions
from extraction.classify.features import FEATURE_NAMES, clean, cue_vector, head


class FakeUsage(dict):
    pass


class FakeEmbed:
    def __init__(self, vectors):
        self.vectors = vectors
        self.usage = FakeUsage(model="fake-encoder", kind="encoder")


class HashingRuntime:
    """Bag-of-words hashed into 384 dimensions, L2-normalised: a crude but deterministic encoder."""

    def __init__(self):
        self.embedded = 0
        self.scored = 0

    def embed(self, texts, batch_size=32):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]{3,}", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 384] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        self.embedded += len(texts)
        return FakeEmbed(out)


class ScoringRuntime(HashingRuntime):
    """Also a generator that always prefers the candidate mentioning 'bill'."""

    def score_batch(self, items, **kwargs):
        from types import SimpleNamespace

        self.scored += 1
        results = []
        for _prompt, candidates in items:
            scores = tuple(SimpleNamespace(logprob=-1.0 if "bill" in c.lower() else -9.0) for c in candidates)
            results.append(SimpleNamespace(scores=scores, usage=FakeUsage(model="fake-generator", kind="generator")))
        return results


@pytest.fixture(autouse=True)
def fresh_models():
    model.reset()
    yield
    model.reset()


def test_examples_cover_every_type():
    rows = [json.loads(line) for line in Path(model.EXAMPLES_FILE).read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {}
    for r in rows:
        assert set(r) == {"text", "doc_type"}
        assert r["doc_type"] in DOC_TYPES
        assert len(r["text"]) > 100
        counts[r["doc_type"]] = counts.get(r["doc_type"], 0) + 1
    assert set(counts) == set(DOC_TYPES)
    assert min(counts.values()) >= 5


def test_descriptions_cover_every_type():
    assert set(DESCRIPTIONS) == set(DOC_TYPES)
    d = descriptions(DOC_TYPES)
    assert all(d[t].strip() for t in DOC_TYPES)
    assert descriptions(["brand_new_type"]) == {"brand_new_type": "brand new type"}


def test_no_django_imports():
    for path in Path(classify_mod.__file__).parent.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+django", path.read_text(encoding="utf-8"), re.M), path


def test_clean_and_head():
    text = "  INVOICE\r\n\r\n\r\n----------------\nNo.   12\t\t34  " + "word " * 1000
    cleaned = clean(text)
    assert cleaned.startswith("INVOICE\n\nNo. 12 34")
    assert "----" not in cleaned
    h = head(text)
    assert len(h) <= 1200 and not h.endswith(" ")


def test_cue_vector_shape_and_range():
    v = cue_vector("From: a@b.c\nTo: d@e.f\nSubject: hi\n\nDear Ann,\nthe invoice total is $12.00\nRegards")
    assert v.shape == (len(FEATURE_NAMES),)
    assert float(v.min()) >= 0.0 and float(v.max()) <= 1.0
    named = dict(zip(FEATURE_NAMES, v))
    assert named["mail_headers"] > 0.5 and named["salutation"] > 0 and named["valediction"] > 0
    assert cue_vector("").shape == v.shape


def test_result_shape_and_probabilities():
    rt = HashingRuntime()
    c = classify("Patient presents with chest pain. HISTORY OF PRESENT ILLNESS: ... ASSESSMENT AND PLAN: ...", runtime=rt)
    assert isinstance(c, Classification)
    assert c.doc_type in DOC_TYPES
    assert 0.0 <= c.confidence <= 1.0
    assert set(c.scores) == set(DOC_TYPES)
    assert abs(sum(c.scores.values()) - 1.0) < 1e-6
    assert c.method == "encoder"
    assert c.usage and all(isinstance(u, dict) for u in c.usage_dicts())
    assert json.dumps(c.as_dict())


def test_empty_text_is_other():
    c = classify("   \n ", runtime=HashingRuntime())
    assert (c.doc_type, c.confidence, c.usage) == ("other", 0.0, [])


def test_examples_are_embedded_once_per_process():
    rt = HashingRuntime()
    classify("first document", runtime=rt)
    after_first = rt.embedded
    classify("second document", runtime=rt)
    assert rt.embedded == after_first + 1  # only the new document


def test_extra_examples_teach_a_new_type():
    rt = HashingRuntime()
    doc = "PURCHASE ORDER PO-7781\nShip to warehouse 4\nVendor: Acme Bolts\nDeliver by 3 June\nItems: hex bolts M8 x 500"
    before = classify(doc, runtime=rt)
    assert before.doc_type != "purchase_order"
    extra = [
        ("PURCHASE ORDER PO-1201\nVendor: Steel Co\nShip to warehouse 2\nDeliver by 1 May\nItems: steel rods", "purchase_order"),
        ("PURCHASE ORDER PO-3310\nVendor: Paint Ltd\nShip to plant 1\nDeliver by 9 July\nItems: primer", "purchase_order"),
    ]
    after = classify(doc, runtime=rt, extra_examples=extra)
    assert after.doc_type == "purchase_order"
    assert "purchase_order" in after.scores
    # the shipped model is unchanged for callers without corrections
    assert classify(doc, runtime=rt).doc_type == before.doc_type


def test_generator_second_opinion_combines_and_is_optional():
    rt = ScoringRuntime()
    text = "Statement of charges. Please pay the amount due."
    first = classify(text, runtime=rt, use_generator=False)
    both = classify(text, runtime=rt, use_generator=True)
    assert rt.scored >= 1 and both.method == "encoder+generator"
    assert abs(sum(both.scores.values()) - 1.0) < 1e-6
    assert any(u.get("kind") == "generator" for u in both.usage_dicts())
    # the generator prefers the type whose description mentions a bill: the invoice gains mass
    top3 = sorted(first.scores, key=first.scores.get, reverse=True)[:3]
    if "invoice" in top3:
        assert both.scores["invoice"] >= first.scores["invoice"]


def test_generator_failure_falls_back_to_the_encoder():
    class Broken(HashingRuntime):
        def score_batch(self, items, **kwargs):
            raise RuntimeError("model unavailable")

    c = classify("some text about a bill", runtime=Broken(), use_generator=True)
    assert c.method == "encoder" and 0.0 <= c.confidence <= 1.0


def test_combine_keeps_a_distribution():
    classes = ["a", "b", "c", "d"]
    probs = np.array([0.5, 0.3, 0.15, 0.05])
    out = combine(classes, probs, {"a": np.log(0.1), "b": np.log(0.9)})
    assert abs(out.sum() - 1.0) < 1e-9
    assert out[1] > 0.3 and out[0] < 0.5
    assert out[2] == pytest.approx(0.15) and out[3] == pytest.approx(0.05)


def test_warm_up_trains_once_and_documents_carry_only_their_own_usage():
    from extraction.classify import warm_up

    rt = HashingRuntime()
    first = warm_up(rt)
    assert len(first) == 1 and rt.embedded == len(model.shipped_examples())
    assert warm_up(rt) == []  # already trained in this process
    c = classify("a short note", runtime=rt)
    assert len(c.usage) == 1  # the document's own embedding only
