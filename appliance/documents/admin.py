from django import forms
from django.contrib import admin

from appliance.documents.models import (
    Document,
    DocumentType,
    ExampleDocument,
    Membership,
    Page,
    StatusChange,
    Team,
)
from extraction.doctypes.registry import SchemaError, check_schema
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


admin.site.register(Page, list_display=["document", "number", "method"], readonly_fields=["document", "number", "text", "method"])


class DocumentTypeForm(forms.ModelForm):
    """The schema editor: JSON with a check that it is a valid JSON Schema of known validators."""

    class Meta:
        model = DocumentType
        fields = "__all__"
        widgets = {"schema": forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"})}

    def clean_schema(self):
        schema = self.cleaned_data["schema"]
        try:
            check_schema(schema)
        except SchemaError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return schema

    def clean_rules(self):
        rules = self.cleaned_data["rules"] or []
        unknown = [rule for rule in rules if rule not in RULES]
        if unknown:
            raise forms.ValidationError(f"Unknown rules {unknown}; known: {', '.join(RULES)}.")
        return rules


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
