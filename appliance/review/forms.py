from django import forms
from django.db.models import Q

from appliance.documents.models import DocumentType


class QueueFilterForm(forms.Form):
    doc_type = forms.ModelChoiceField(DocumentType.objects.order_by("label"), required=False, empty_label="Any type",
                                      label="Document type", to_field_name="name")
    reason = forms.ChoiceField(required=False, label="Reason")
    uploaded_from = forms.DateField(required=False, label="Uploaded from",
                                    widget=forms.DateInput(attrs={"type": "date"}))
    uploaded_to = forms.DateField(required=False, label="Uploaded to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Any reason")] + [(r, r.replace("_", " ")) for r in reasons]

    def filter(self, documents):
        if not self.is_bound or not self.is_valid():
            return documents
        data = self.cleaned_data
        if data.get("doc_type"):
            documents = documents.filter(doc_type=data["doc_type"])
        if data.get("reason"):
            quoted = f'"{data["reason"]}"'  # an element of the JSON list, not a substring of another code
            documents = documents.filter(
                Q(review_reasons__icontains=quoted) | Q(fields__status="needs_review", fields__reasons__icontains=quoted)
            ).distinct()
        if data.get("uploaded_from"):
            documents = documents.filter(created_at__date__gte=data["uploaded_from"])
        if data.get("uploaded_to"):
            documents = documents.filter(created_at__date__lte=data["uploaded_to"])
        return documents


class DocTypeForm(forms.Form):
    doc_type = forms.ModelChoiceField(DocumentType.objects.filter(active=True).order_by("label"), label="Document type",
                                      empty_label=None)
