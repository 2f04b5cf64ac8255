import pytest

from extraction.pii import PagePiiSpan, redact


def spans_for(pages, items):
    out = []
    for page, value, kind in items:
        start = pages[page - 1].index(value)
        out.append(PagePiiSpan(page, start, start + len(value), kind))
    return out


PAGES = ["Jane Miller paid. Bob Stone signed.", "Witness: jane  miller, card 4111 1111 1111 1111."]
SPANS = [(1, "Jane Miller", "PERSON"), (1, "Bob Stone", "PERSON"), (2, "jane  miller", "PERSON"),
         (2, "4111 1111 1111 1111", "CREDIT_CARD")]


def test_same_value_same_placeholder_across_pages():
    pages, mapping = redact(PAGES, spans_for(PAGES, SPANS))
    assert pages == ["<PERSON_1> paid. <PERSON_2> signed.", "Witness: <PERSON_1>, card <CREDIT_CARD_1>."]
    assert mapping == {"<PERSON_1>": "Jane Miller", "<PERSON_2>": "Bob Stone",
                       "<CREDIT_CARD_1>": "4111 1111 1111 1111"}


def test_mask_and_hash_operators():
    pages, mapping = redact(PAGES, spans_for(PAGES, SPANS),
                            {"CREDIT_CARD": "mask", "PERSON": "hash"}, hash_key=b"k")
    assert "**** **** **** ****" in pages[1]
    first = pages[0].split()[0]
    assert first.startswith("<PERSON_") and first in pages[1]  # same person, same hash
    assert mapping[first] == "Jane Miller"
    assert not any(v.startswith("4111") for v in mapping.values())


def test_keep_and_overlaps_and_untouched_pages():
    pages = ["Call 555-0100 now", "no pii"]
    spans = [PagePiiSpan(1, 5, 13, "PHONE_NUMBER"), PagePiiSpan(1, 9, 13, "ZIP_CODE")]
    out, _ = redact(pages, spans)
    assert out == ["Call <PHONE_NUMBER_1> now", "no pii"]
    out, mapping = redact(pages, spans, {"default": "keep"})
    assert out == pages and mapping == {}


def test_bad_input_is_rejected():
    with pytest.raises(ValueError):
        redact(["abc"], [PagePiiSpan(2, 0, 1, "PERSON")])
    with pytest.raises(ValueError):
        redact(["abc"], [PagePiiSpan(1, 0, 9, "PERSON")])
    with pytest.raises(ValueError):
        redact(["abc"], [], {"PERSON": "shred"})
