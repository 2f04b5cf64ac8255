"""The ingest command (source "folder"): same checks as an upload, clear errors for bad paths."""
import pytest
from django.core.management import CommandError, call_command

from appliance.documents.models import Document


@pytest.mark.django_db
def test_ingests_a_folder_and_reports_refused_files(clerk, tmp_path, capsys):
    (tmp_path / "note.txt").write_text("a note to file")
    (tmp_path / "empty.txt").write_bytes(b"")
    call_command("ingest", str(tmp_path), "--user", clerk.username)
    captured = capsys.readouterr()
    assert "queued" in captured.out and "refused: The file is empty." in captured.err
    assert list(Document.objects.values_list("source", "original_filename")) == [("folder", "note.txt")]


@pytest.mark.django_db
def test_missing_path_and_unknown_user_are_errors(clerk, tmp_path):
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("ingest", str(tmp_path / "absent"), "--user", clerk.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("ingest", str(tmp_path), "--user", "nobody")
