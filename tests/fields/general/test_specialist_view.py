"""What a specialist reads of free-text candidates: whole lines and blocks through their lines'
embeddings (each line embedded once per document), names within a line through their own words."""
import numpy as np
import pytest

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.general import DocumentCandidates
from extraction.fields.general.candidates import WHOLE_LINE_SOURCES
from extraction.fields.general.features import CandidateTable
from tests.fields.general.test_zeroshot import NOTICE, SPEC
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)


@pytest.fixture
def candidates(built_models):
    from extraction.slm import runtime

    return DocumentCandidates(DocText([NOTICE]), SPEC, runtime)


def _unit(vector):
    return vector / np.linalg.norm(vector)


def test_a_block_reads_as_the_mean_of_its_lines_and_its_surroundings_as_the_lines_around(candidates):
    issuer = next(f for f in SPEC.fields if f.name == "issuer")
    table = candidates.table(issuer, with_values=True)
    index = next(i for i, p in enumerate(table.proposals) if p.source == "block2" and p.text.startswith("12 Quay"))
    lines = candidates.encode(["12 Quay Street", "Portsmouth PO1 3AB"])
    np.testing.assert_allclose(table.value_vectors[index], _unit(lines.sum(axis=0)), atol=1e-5)
    around = candidates.encode(["Harbour Parking Ltd", "PENALTY CHARGE NOTICE"])
    np.testing.assert_allclose(table.context_vectors[index], _unit(around.sum(axis=0)), atol=1e-5)


def test_each_line_is_embedded_once_whatever_the_number_of_blocks(candidates):
    issuer = next(f for f in SPEC.fields if f.name == "issuer")
    candidates.table(issuer)  # zero-shot's own view, which the specialist's carries (its answer)
    zero_shots = len(candidates.encode.cache)
    table = candidates.table(issuer, with_values=True)
    lines = [line.strip() for line in NOTICE.splitlines() if line.strip()]
    within = [p for p in table.proposals if p.source not in WHOLE_LINE_SOURCES]
    assert sum(p.source.startswith("block") for p in table.proposals) > len(lines)  # more blocks than lines
    # Beyond zero-shot's view (which embedded the field's query): every line (as a line or a neighbour) and the
    # words of candidates within lines.
    assert len(candidates.encode.cache) - zero_shots <= len(lines) + len(within)
    assert table.context_vectors.shape == table.value_vectors.shape == (len(table.proposals), 384)  # MiniLM-L6


def test_the_specialists_view_carries_zero_shots_own_answer(candidates):
    issuer = next(f for f in SPEC.fields if f.name == "issuer")
    view = candidates.table(issuer, with_values=True)
    own = candidates.table(issuer)
    assert [p.value for p in view.proposals] == [p.value for p in own.proposals]
    np.testing.assert_array_equal(view.zero_shot_answer, own.zero_shot)
    assert view.proposals[int(np.argmax(view.zero_shot_answer))].value == candidates.zero_shot(issuer).value
    assert own.zero_shot_answer is None
    assert candidates.table(issuer) is own  # computed once a document, whoever asks


def test_a_lists_view_reads_no_zero_shot_answer(built_models):
    from extraction.slm import runtime  # as the fixture above: the runtime module once the models are built

    text = ("MUTUAL NONDISCLOSURE AGREEMENT\nThis Agreement is made between Acme Widgets, Inc.\nand John Smith.\n"
            "Each party will keep the other's information secret.\n")
    doc = DocText([text])
    doc.set_pii([(1, text.index(n), text.index(n) + len(n), t) for n, t in (
        ("Acme Widgets, Inc.", "ORGANIZATION"), ("John Smith", "PERSON"))])
    spec = TypeSpec(name="x", label="x", description="x", schema={"type": "object", "properties": {
        "signatories": {"type": "array", "items": {"type": "string"},
                        "description": "The companies or people who sign the agreement."}}})
    candidates = DocumentCandidates(doc, spec, runtime)
    table = candidates.table(spec.fields[0], with_values=True)
    assert isinstance(table, CandidateTable) and table.zero_shot_answer is None
    # Zero-shot's reading of every name (the words before and around each) was not embedded for it.
    assert not any(candidates.layout.context(p) in candidates.encode.cache for p in table.proposals)
