"""detect_pii refuses a malformed input file, naming the line, and writes nothing."""
import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "a", "text": "fine"}\nnot json\n', "line 2: not a JSON object"),
        ('{"id": "a", "text": "fine"}\n{"id": "b"}\n', 'line 2: needs "id" and a string "text"'),
        ('["a", "b"]\n', 'line 1: needs "id"'),
    ],
)
def test_malformed_lines_are_refused_before_any_output(tmp_path, content, message):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("detect_pii", "--in", str(source), "--out", str(target), "--no-progress")
    assert not target.exists()
