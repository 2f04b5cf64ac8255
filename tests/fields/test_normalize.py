"""Values as written turned into canonical ones."""
import pytest

from extraction.evidence import DocText
from extraction.fields.general.candidates import propose
from extraction.fields.general.kinds import Kind
from extraction.fields.normalize import normalize_date


@pytest.mark.parametrize("text, expected", [
    ("06/02/2018 07:09:46 PM", "2018-02-06"),
    ("2018-12-25T10:00", "2018-12-25"),
    ("Date:25.12.2018.", "2018-12-25"),
    ("INV-2018/12/25", "2018-12-25"),
    ("on the 3rd day of May 2008", "2008-05-03"),
    ("12/03/2024-04/05/2024", "2024-03-12"),  # a range: the first of its two dates
])
def test_dates_as_written(text, expected):
    assert normalize_date(text) == expected


@pytest.mark.parametrize("text", [": T04-18/084227", "TEL. : 05.22.95.66.66"])
def test_no_date_is_carved_out_of_a_longer_run_of_figures(text):
    assert normalize_date(text) is None


def test_a_slip_gives_its_dates_not_its_code_or_its_phone_number():
    doc = DocText(["TEL. : 05.22.95.66.66\nREF : T04-18/084227\nDATE : 06/02/2018 07:09\nPERIOD 12/03/2024-04/05/2024\n"])
    assert [p.value for p in propose(doc, Kind.DATE)] == ["2018-02-06", "2024-03-12", "2024-05-04"]
