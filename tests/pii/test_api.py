import threading

from extraction.pii import PagePiiSpan, PiiSpan, detect, detect_many, detect_pages, get_analyzer


def test_detect_returns_spans_with_offsets():
    text = "Email jane.doe@example.com about the invoice."
    spans = detect(text)
    assert spans == [PiiSpan(6, 26, "EMAIL_ADDRESS", spans[0].score)]
    assert text[spans[0].start:spans[0].end] == "jane.doe@example.com"


def test_detect_pages_numbers_pages_from_one():
    pages = ["Nothing personal here.", "Call +44 20 7946 0958."]
    spans = detect_pages(pages)
    assert [(s.page, s.type) for s in spans] == [(2, "PHONE_NUMBER")]
    s = spans[0]
    assert isinstance(s, PagePiiSpan) and pages[1][s.start:s.end] == "+44 20 7946 0958"


def test_detect_many_matches_detect():
    texts = ["My name is Siiri Laine", "", "SSN 536-22-8726", "   "]
    assert detect_many(texts) == [detect(t) for t in texts]


def test_analyzer_is_built_once_and_thread_safe():
    results, analyzers = [], []

    def work():
        analyzers.append(get_analyzer())
        results.append(detect("Contact Jan Kowalski at jan.kowalski@example.pl"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(a) for a in analyzers}) == 1
    assert all(r == results[0] for r in results)


def test_logs_carry_no_document_text(caplog):
    secret = "Vanessa Quistgaard lives at 12 Lindenweg 4, Bern"
    with caplog.at_level("DEBUG"):
        detect(secret)
    assert "Quistgaard" not in caplog.text and "Lindenweg" not in caplog.text
