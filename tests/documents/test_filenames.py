import pytest

from appliance.documents.filenames import clean_display_filename


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../x", "x"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("line\nbreak.txt", "linebreak.txt"),
        ("", "unnamed"),
        (None, "unnamed"),
        ("../..", "unnamed"),
        (".hidden", "hidden"),
        ("Rechnung März.pdf", "Rechnung März.pdf"),
    ],
)
def test_hostile_filenames_become_safe_display_names(raw, expected):
    assert clean_display_filename(raw) == expected


def test_very_long_filename_is_cut_keeping_its_extension():
    name = clean_display_filename("a" * 500 + ".pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")
