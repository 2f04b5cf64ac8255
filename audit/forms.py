from datetime import date

from django import forms
from django.contrib.auth import get_user_model

from audit import export


class EventFilterForm(forms.Form):
    document = forms.UUIDField(required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")
    kind = forms.CharField(required=False, max_length=64, label="Decision")
    model = forms.CharField(required=False, max_length=128)
    user = forms.CharField(required=False, max_length=150)
    outcome = forms.CharField(required=False, max_length=32)

    def filter(self, events):
        """Apply the valid filters to ``events``; the period's end day is included."""
        data = self.cleaned_data
        if data.get("document"):
            events = events.filter(document_id=data["document"])
        if data.get("start"):
            events = events.filter(at__date__gte=data["start"])
        if data.get("end"):
            events = events.filter(at__date__lte=data["end"])
        for name in ("kind", "model", "outcome"):
            if data.get(name):
                events = events.filter(**{name: data[name]})
        if data.get("user"):
            user_ids = get_user_model().objects.filter(username=data["user"]).values_list("pk", flat=True)
            events = events.filter(actor_user_id__in=list(user_ids))
        return events


class ExportForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="To (included)")
    format = forms.ChoiceField(choices=[(f, f.upper() if f == "csv" else "JSON Lines") for f in export.FORMATS])

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end == date.max:  # the export runs to the start of the day after, which does not exist
            raise forms.ValidationError(f"Choose an end before {date.max.isoformat()}.")
        return end

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data


ERASURE_REASONS = [
    ("data_subject_request", "Data subject's request"),
    ("legal_order", "Legal order"),
    ("uploaded_in_error", "Uploaded in error"),
]


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(choices=ERASURE_REASONS)
    ticket = forms.RegexField(
        regex=r"^[A-Za-z0-9_.:/+-]{0,64}$", required=False, max_length=64,
        help_text="Optional request reference (letters, digits, - _ . : /); no names.",
    )
