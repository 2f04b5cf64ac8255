"""``manage.py process_folder`` end to end on files written here, with the built models."""
import json

import pytest

from django.core.management import CommandError, call_command

from tests.fields.test_receipt import SIMPLE


def test_process_folder_writes_one_scorer_line_per_file_with_evidence_and_token_usage(built_models, doc_types, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "receipt.txt").write_text(SIMPLE, encoding="utf-8")
    (folder / "notes.xyz").write_text("not a document kind the appliance reads", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "pred.jsonl"

    call_command("process_folder", str(folder), "--out", str(out), "--workers", "1")

    records = {r["file"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(records) == {"receipt.txt", "empty.txt"}  # only the kinds it reads; each exactly once
    receipt = records["receipt.txt"]
    assert receipt["doc_type"] == "receipt"
    total = receipt["fields"]["total"]
    assert total["value"] == "6.70"
    span = total["evidence"][0]
    assert SIMPLE[span["start"]:span["end"]] == "6.70"
    # every model call is accounted for: the encoder read the receipt to classify it
    usage = receipt["usage"]
    assert usage["text_chars"] == len(SIMPLE)
    assert usage["models"]["minilm-l6"]["tokens"] > 0 and usage["models"]["minilm-l6"]["cost"] > 0
    # an empty file is a clear error, not a crash or a silent drop
    assert records["empty.txt"]["error"] == "unsupported_type" and records["empty.txt"]["doc_type"] is None


def test_a_declared_type_skips_classification(built_models, doc_types, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "receipt.txt").write_text(SIMPLE, encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    call_command("process_folder", str(folder), "--out", str(out), "--type", "payslip")
    [record] = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert (record["doc_type"], record["doc_type_confidence"]) == ("payslip", 1.0)
    assert set(record["fields"]) <= {"employee", "employer", "pay_date", "gross_pay", "net_pay"}


def test_an_unknown_declared_type_is_refused(doc_types, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with pytest.raises(CommandError, match="No active document type"):
        call_command("process_folder", str(folder), "--out", str(tmp_path / "p.jsonl"), "--type", "no_such_type")
