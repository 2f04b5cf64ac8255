import math

from django import forms
from django.contrib import admin

from appliance.documents import redaction
from appliance.documents.models import (
    Document,
    DocumentType,
    ExampleDocument,
    Membership,
    Page,
    StatusChange,
    Team,
)
from extraction.doctypes.registry import SchemaError, check_schema, is_number
from extraction.validation.rules import RULES


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["status", "reason", "at"]
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["original_filename", "team", "media_type", "status", "source", "created_at"]
    list_filter = ["status", "source", "media_type", "team"]
    search_fields = ["original_filename", "sha256"]
    readonly_fields = [f.name for f in Document._meta.fields]
    inlines = [StatusChangeInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team"]
    list_filter = ["team"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """Read-only and redacted: the original text is shown only on the document page's audited reveal."""

    list_display = ["document", "number", "method"]
    fields = readonly_fields = ["document", "number", "method", "shown_text"]

    @admin.display(description="Text (personal data redacted)")
    def shown_text(self, page):
        pieces = redaction.page_segments(page.document, page)
        if pieces is None:
            return redaction.WITHHELD
        return "".join(piece["text"] for piece in pieces)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


TOO_DEEP = "This JSON is nested too deeply."


class DepthSafeJSONField(forms.JSONField):
    """Django's JSON field, refusing JSON nested too deeply for Python's parser instead of failing."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(TOO_DEEP, code="invalid") from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)


class DocumentTypeForm(forms.ModelForm):
    """The schema editor: JSON with a check that it is a valid JSON Schema of known validators."""

    class Meta:
        model = DocumentType
        fields = "__all__"
        field_classes = {"schema": DepthSafeJSONField, "rules": DepthSafeJSONField, "thresholds": DepthSafeJSONField}
        widgets = {"schema": forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"})}

    def clean_schema(self):
        schema = _storable(self.cleaned_data["schema"])
        try:
            check_schema(schema)
        except SchemaError as exc:
            raise forms.ValidationError(str(exc)) from exc
        except RecursionError:
            raise forms.ValidationError(TOO_DEEP) from None
        return schema

    def clean_rules(self):
        rules = _storable(self.cleaned_data["rules"])
        if rules is None:  # an empty box
            rules = []
        if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
            raise forms.ValidationError('Rules must be a list of rule names, like ["subtotal_plus_tax_is_total"].')
        unknown = [rule for rule in rules if rule not in RULES]
        if unknown:
            raise forms.ValidationError(f"Unknown rules {unknown}; known: {', '.join(RULES)}.")
        return rules

    def clean_thresholds(self):
        thresholds = _storable(self.cleaned_data["thresholds"])
        if thresholds is None:  # an empty box
            thresholds = {}
        if not isinstance(thresholds, dict) or not all(is_number(value) for value in thresholds.values()):
            raise forms.ValidationError('Thresholds must map field names to numbers, like {"total": 0.9}.')
        return thresholds


def _storable(value):
    """``value`` if PostgreSQL's jsonb can hold it: no NUL character in a text, no NaN or Infinity."""
    if isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    elif isinstance(value, str) and "\x00" in value:
        raise forms.ValidationError("A text in it contains a NUL character (\\u0000), which cannot be stored.")
    elif isinstance(value, float) and not math.isfinite(value):
        raise forms.ValidationError("NaN and Infinity are not JSON numbers; use a number.")
    return value


class ExampleInline(admin.StackedInline):
    model = ExampleDocument
    extra = 1
    fields = ["text", "source"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    form = DocumentTypeForm
    list_display = ["name", "label", "field_names", "always_review", "active"]
    list_filter = ["active", "always_review"]
    inlines = [ExampleInline]

    @admin.display(description="Fields")
    def field_names(self, obj):
        return ", ".join(obj.schema.get("properties", {}))
