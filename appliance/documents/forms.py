from django import forms

from appliance.documents.models import Document, DocumentType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label="Documents", help_text="PDF, DOCX, plain text, PNG, JPEG or TIFF.")
    doc_type = forms.ModelChoiceField(
        queryset=DocumentType.objects.filter(active=True), to_field_name="name", required=False,
        empty_label="Recognise automatically", label="Document type",
        help_text="When every file is of one known type: classification then keeps it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty files are refused by ingestion with a clear message, not by the form.
        self.fields["files"].allow_empty_file = True


class DocumentFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Filename")
    status = forms.ChoiceField(required=False, choices=[("", "Any status")] + list(Document.Status.choices))
    source = forms.ChoiceField(required=False, choices=[("", "Any source")] + list(Document.Source.choices))
