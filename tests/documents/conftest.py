import pytest
from django.core.management import call_command

from appliance.documents.models import DocumentType
from tests.fields.general.notices import TYPE, write_type_file


@pytest.fixture
def notice_type(tmp_path, doc_types):
    """The parking-notice type (tests/fields/general/notices.py), imported as an admin would."""
    call_command("import_type", str(write_type_file(tmp_path / "types.json")))
    return DocumentType.objects.get(name=next(iter(TYPE)))
