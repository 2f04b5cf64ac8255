from rest_framework import serializers

from appliance.documents.models import Document, Page, StatusChange


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["status", "reason", "at"]


class DocumentSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail")
    text_url = serializers.HyperlinkedIdentityField(view_name="api:document-text")
    team = serializers.StringRelatedField()
    uploader = serializers.StringRelatedField()
    history = StatusChangeSerializer(many=True, read_only=True)
    page_count = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "url", "text_url", "original_filename", "media_type", "size", "sha256", "source",
            "team", "uploader", "status", "failure_code", "failure_reason", "created_at",
            "status_changed_at", "page_count", "history",
        ]
        read_only_fields = fields

    def get_page_count(self, document) -> int:
        return document.pages.count()


class DocumentListSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [f for f in DocumentSerializer.Meta.fields if f != "history"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="The document: PDF, DOCX, text, PNG, JPEG or TIFF.")


class PageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Page
        fields = ["number", "method", "text"]


class DocumentTextSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    pages = PageSerializer(many=True)
