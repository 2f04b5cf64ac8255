from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appliance.documents.models import Document, DocumentType, ExtractedField, Page, StatusChange

# What a personal field's value shows to someone who may not reveal it.
REDACTED = "[redacted]"


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["status", "reason", "at"]


class ExtractedFieldSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = ExtractedField
        fields = ["name", "value", "confidence", "status", "method", "evidence", "validators", "reasons", "personal"]

    @extend_schema_field({
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "nullable": True,
        "description": "The normalised value (a list for fields such as an NDA's parties); "
                       f"'{REDACTED}' for personal data the reader may not reveal.",
    })
    def get_value(self, field):
        # Personal values (a party's name, an IBAN) stay hidden unless the reader may reveal PII.
        if field.personal and not self.context.get("reveal"):
            return REDACTED
        return field.value


class DocumentSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail")
    text_url = serializers.HyperlinkedIdentityField(view_name="api:document-text")
    team = serializers.StringRelatedField()
    uploader = serializers.StringRelatedField()
    history = StatusChangeSerializer(many=True, read_only=True)
    page_count = serializers.SerializerMethodField()
    doc_type = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    fields = ExtractedFieldSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id", "url", "text_url", "original_filename", "media_type", "size", "sha256", "source",
            "team", "uploader", "status", "failure_code", "failure_reason", "created_at",
            "status_changed_at", "page_count", "doc_type", "doc_type_confidence", "review_reasons", "fields",
            "history",
        ]
        read_only_fields = fields

    def get_page_count(self, document) -> int:
        return document.pages.count()


class DocumentListSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [f for f in DocumentSerializer.Meta.fields if f not in ("history", "fields")]
        read_only_fields = fields


class DocumentFilterSerializer(serializers.Serializer):
    """The list's free-form query parameters, checked before they reach the database.

    A date that is not a real date-time, or text with a NUL character (which PostgreSQL
    cannot compare), is a 400 naming the parameter instead of a 500. Unknown ``status``
    and ``source`` values are ignored by the filter itself, as before.
    """

    q = serializers.CharField(required=False, allow_blank=True)
    media_type = serializers.CharField(required=False, allow_blank=True)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="The document: PDF, DOCX, text, PNG, JPEG or TIFF.")
    doc_type = serializers.SlugRelatedField(
        slug_field="name", queryset=DocumentType.objects.filter(active=True), required=False,
        help_text="The document's type when the caller knows it: classification is skipped.")


class PageSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()

    class Meta:
        model = Page
        fields = ["number", "method", "text"]

    def get_text(self, page) -> str:
        """Redacted text by default; the original only for readers who asked and may reveal PII."""
        return page.text if self.context.get("reveal") else page.redacted_text


class DocumentTextSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    view = serializers.ChoiceField(choices=["redacted", "original"])
    pages = PageSerializer(many=True)
