"""Signed exports: the detached signature checks the exact bytes; JSON Lines hashes recompute."""
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit import export, signing
from audit.events import record
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def period():
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(days=1)


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_export_signature_verifies_and_detects_changes(fmt, make_document):
    document = make_document()
    record("document_received", document=document, inputs_sha256={"file": document.sha256})
    record("field_extracted", document=document, field="total", confidence=0.8,
           evidence=[{"page": 1, "start": 0, "end": 7}])
    data, count = export.render(export.events_between(*period()), fmt)
    assert count == AuditEvent.objects.filter(at__gte=period()[0]).count()
    signature = export.sign(data)
    assert export.verify(data, signature)
    assert export.verify(data, signature, signing.public_pem(signing.public_key()))
    assert not export.verify(data.replace(b"total", b"totaL"), signature)


def test_jsonl_lines_carry_recomputable_hashes():
    record("login_failed")
    record("login_failed")
    data, _ = export.render(export.events_between(*period()), "jsonl")
    assert export.check_jsonl_hashes(data) is None
    lines = data.decode().splitlines()
    row = json.loads(lines[-1])
    row["outcome"] = "ok"
    assert export.check_jsonl_hashes("\n".join([*lines[:-1], json.dumps(row)]).encode()) == row["seq"]


def test_export_and_verify_commands(tmp_path, capsys):
    record("login_failed")
    day = timezone.localdate().isoformat()
    out = tmp_path / "audit.jsonl"
    call_command("audit_export", "--start", day, "--end", day, "--format", "jsonl", "--output", str(out))
    assert (tmp_path / "audit.jsonl.sig").exists()
    assert AuditEvent.objects.filter(kind="audit_exported").exists()
    call_command("audit_verify_export", str(out), "--public-key", str(signing.public_key_path()))
    assert "signature valid" in capsys.readouterr().out
    out.write_bytes(out.read_bytes().replace(b"login_failed", b"login_faileD"))
    with pytest.raises(CommandError, match="INVALID"):
        call_command("audit_verify_export", str(out))


def test_export_view_returns_a_bundle_whose_signature_verifies(client, auditor):
    record("login_failed")
    client.force_login(auditor)
    day = timezone.localdate().isoformat()
    response = client.get("/audit/export/", {"start": day, "end": day, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = archive.read("audit-events.csv")
    assert data.startswith(b"seq,")
    assert export.verify(data, archive.read("audit-events.csv.sig").decode(), archive.read("audit-public-key.pem"))
    exported = AuditEvent.objects.filter(kind="audit_exported").last()
    assert exported.actor_user_id == auditor.pk


def test_export_view_refuses_an_end_on_the_last_day_of_the_calendar(client, auditor):
    client.force_login(auditor)
    response = client.get("/audit/export/", {"start": "2024-01-01", "end": "9999-12-31", "format": "csv"})
    assert response.status_code == 400
    assert "Choose an end before 9999-12-31" in response.content.decode()
    assert not AuditEvent.objects.filter(kind="audit_exported").exists()
    response = client.get("/audit/export/", {"start": "2024-01-01", "end": "9999-12-30", "format": "csv"})
    assert response.status_code == 200
