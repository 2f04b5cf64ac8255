import json

from django.core.management import call_command


def test_detect_pii_command(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "My SSN is 536-22-8726"},
        {"id": "b", "text": "What are my options?"},
    ]) + "\n", encoding="utf-8")
    call_command("detect_pii", "--in", str(src), "--out", str(dst), "--no-progress")
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["spans"] == [{"type": "US_SSN", "start": 10, "end": 21, "score": rows[0]["spans"][0]["score"]}]
    assert rows[1]["spans"] == []
