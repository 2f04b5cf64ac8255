"""Guard: a prompt built from a DocText with personal data never contains that data.

Checked on the prompt (build_prompt), on random candidate spans (inside,
across and next to PII), and on the bytes that go over the wire to an
OpenAI-compatible endpoint.
"""
import json
import random

import pytest

from extraction.cascade import escalate
from extraction.doctypes import default_registry
from extraction.evidence import DocText
from extraction.fields.result import NEEDS_REVIEW, Candidate, FieldResult
from extraction.llm.client import ChatClient
from extraction.llm.tier import OpenAICompatibleTier, build_prompt, candidate_context
from tests.llm.fake_server import completion

PAGES = [
    "INVOICE No. 2024-0117\nBill to: Johanna Quistorp-Velasquez, Lindenallee 17, 50968 Koeln\n"
    "Contact: johanna.quistorp@example.org, phone +49 171 9876543\n"
    "Subtotal 1,140.00 EUR  VAT 19% 216.60 EUR  Total due 1,356.60 EUR",
    "Please pay to IBAN DE89 3704 0044 0532 0130 00 (account holder Johanna Quistorp-Velasquez)\n"
    "Date of birth 03.04.1981. Tax id 12 345 678 901. Thank you for your business.",
]
PII_STRINGS = {
    "PERSON": "Johanna Quistorp-Velasquez",
    "LOCATION": "Lindenallee 17, 50968 Koeln",
    "EMAIL_ADDRESS": "johanna.quistorp@example.org",
    "PHONE_NUMBER": "+49 171 9876543",
    "IBAN_CODE": "DE89 3704 0044 0532 0130 00",
    "DATE_OF_BIRTH": "03.04.1981",
    "TAX_ID": "12 345 678 901",
}
# Pieces of the PII that must not show either (a partial leak is a leak).
FRAGMENTS = {
    "Johanna", "Quistorp", "Velasquez", "Lindenallee", "50968", "Koeln", "johanna.quistorp", "example.org",
    "9876543", "DE89", "3704", "0044", "0532", "0130", "1981", "345 678", "678 901",
}


def pii_doc() -> DocText:
    doc = DocText(list(PAGES))
    spans = []
    for kind, value in PII_STRINGS.items():
        start = 0
        while (i := doc.text.find(value, start)) >= 0:
            spans.append((i, i + len(value), kind))
            start = i + 1
    doc.pii = spans
    return doc


def cand(doc, text, nth=0, value=None, score=0.5):
    i = -1
    for _ in range(nth + 1):
        i = doc.text.index(text, i + 1)
    return Candidate(value or text, text, doc.span(i, i + len(text)), score=score)


def assert_no_pii(prompt: str):
    for value in PII_STRINGS.values():
        assert value not in prompt
    for fragment in FRAGMENTS:
        assert fragment not in prompt, f"PII fragment {fragment!r} leaked into the prompt"


def test_the_document_really_holds_the_pii():
    doc = pii_doc()
    for value in PII_STRINGS.values():
        assert value in doc.text
    assert len(doc.pii) == 8  # the name twice


@pytest.mark.parametrize("context_chars", [0, 20, 80, 10_000])
def test_prompt_never_contains_pii(context_chars):
    doc = pii_doc()
    candidates = [
        cand(doc, "1,356.60 EUR"),
        cand(doc, "1,140.00 EUR"),
        cand(doc, "DE89 3704 0044 0532 0130 00"),  # the candidate IS personal data (an IBAN field)
        cand(doc, "Johanna Quistorp-Velasquez", 1),
        cand(doc, "Quistorp-Velasquez, Lindenallee"),  # straddles two PII spans
        cand(doc, "03.04.1981"),
        cand(doc, "phone +49"),  # half outside, half inside PII
    ]
    messages = build_prompt(doc, "amount", "Total to pay, tax included.", candidates, doctype="invoice",
                            context_chars=context_chars)
    prompt = json.dumps(messages, ensure_ascii=False)
    assert_no_pii(prompt)
    user = messages[-1]["content"]
    assert "[[1,356.60 EUR]]" in user and "[[<IBAN_CODE>]]" in user and "[[<PERSON>]]" in user
    assert "[[phone <PHONE_NUMBER>]]" in user
    if context_chars >= 80:
        assert "<EMAIL_ADDRESS>" in user and "<LOCATION>" in user


def test_random_spans_never_leak():
    doc = pii_doc()
    rng = random.Random(1234)
    n = len(doc.text)
    for _ in range(300):
        start = rng.randrange(0, n - 1)
        end = min(n, start + rng.randrange(1, 60))
        if doc.text[start:end].strip() == "":
            continue
        c = Candidate("x", doc.text[start:end], doc.span(start, end))
        if c.span.end <= c.span.start:  # a span clipped at a page break
            continue
        assert_no_pii(candidate_context(doc, c, rng.choice([0, 5, 40, 200])))


def test_wire_bytes_never_contain_pii(server):
    doc = pii_doc()
    candidates = [cand(doc, "1,356.60 EUR"), cand(doc, "DE89 3704 0044 0532 0130 00"), cand(doc, "+49 171 9876543")]
    server.reply(200, completion("2"))
    tier = OpenAICompatibleTier(ChatClient(server.url, "test-model", max_retries=0))
    decision = tier.decide_field(doc, "iban", "The account to pay into.", candidates, doctype="invoice")
    assert decision.candidate is candidates[1]  # the model chose by number: the value never left
    raw = server.requests[0]["raw"].decode("utf-8")
    assert_no_pii(raw)
    assert_no_pii(json.dumps(server.requests[0]["json"], ensure_ascii=False))


def test_the_cascade_names_the_type_and_sends_redacted_text_only(server):
    """The cascade's question (the type's label and the field's schema description added) over the wire."""
    doc = pii_doc()
    iban = cand(doc, "DE89 3704 0044 0532 0130 00", value="DE89370400440532013000")
    field = FieldResult(
        name="iban", value=iban.value, raw=iban.text, confidence=0.5, evidence=[iban.span],
        candidates=[{"value": iban.value, "score": 0.5}, {"value": "+49 171 9876543", "score": 0.2}],
        status=NEEDS_REVIEW, reasons=["low_confidence"],
    )
    server.reply(200, completion("1"))
    outcomes = escalate(doc, default_registry()["invoice"], {"iban": field}, OpenAICompatibleTier(
        ChatClient(server.url, "test-model", max_retries=0)))
    assert [o.outcome for o in outcomes] in (["accepted"], ["agreed_unsure"])  # it agreed; the threshold decides
    question = server.requests[0]["json"]["messages"][-1]["content"]
    assert question.startswith('This is an invoice.\nField "iban": The account to pay into.\n')
    assert "[[<IBAN_CODE>]]" in question and "[[<PHONE_NUMBER>]]" in question  # both candidates, masked
    assert_no_pii(server.requests[0]["raw"].decode("utf-8"))
