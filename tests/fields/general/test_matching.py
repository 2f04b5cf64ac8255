"""A list field is scored item by item, as the evaluation scores lists."""
from extraction.fields.general.kinds import Kind
from extraction.fields.general.matching import matched_items


def test_each_label_is_matched_once_and_extra_values_are_counted():
    labels = ["Acme Widgets Inc.", "John Smith"]
    assert matched_items(Kind.TEXT, labels, ["ACME WIDGETS, INC.", "Delaware", "Acme Widgets Inc"]) == (1, 2)
    assert matched_items(Kind.TEXT, labels, ["john smith", "Acme Widgets Inc."]) == (2, 0)
    assert matched_items(Kind.TEXT, labels, []) == (0, 0)
