from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

from .. import rules
from ..models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)

COMMON = ("id", "url", "display")


class RoleSerializer(ValidatedModelSerializer):
    layer = serializers.CharField(read_only=True)

    class Meta:
        model = Role
        fields = (
            *COMMON, "ecosystem", "organisation", "name", "acts_as", "description", "holders", "approves_changes",
            "layer",
        )  # fmt: skip


class FindingSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    column = serializers.IntegerField(source="column_id", allow_null=True)


class RaciMatrixSerializer(ValidatedModelSerializer):
    template = serializers.PrimaryKeyRelatedField(
        queryset=RaciTemplate.objects.all(),
        write_only=True,
        required=False,
        help_text="Start from this template (on creation only).",
    )

    class Meta:
        model = RaciMatrix
        fields = (
            *COMMON, "ecosystem", "name", "variant", "description", "owner_share_limit", "lineage",
            "version", "status", "approved_by", "approved_at", "template", "created", "last_updated",
        )  # fmt: skip
        read_only_fields = ("lineage", "version", "status", "approved_by", "approved_at")

    def validate(self, attrs):
        template = attrs.pop("template", None)
        attrs = super().validate(attrs)
        if template is not None:
            if self.instance is not None:
                raise serializers.ValidationError({"template": "Only when creating a matrix."})
            attrs["template"] = template
        return attrs


class RaciActivitySerializer(ValidatedModelSerializer):
    class Meta:
        model = RaciActivity
        fields = (*COMMON, "matrix", "position", "phase", "name", "process", "must_be_owned_by")


class RaciColumnSerializer(ValidatedModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = RaciColumn
        fields = (*COMMON, "matrix", "position", "role", "person", "label")


class RaciAssignmentSerializer(ValidatedModelSerializer):
    class Meta:
        model = RaciAssignment
        fields = (*COMMON, "activity", "column", "letters", "acknowledged_by", "acknowledged_at")
        read_only_fields = ("acknowledged_by", "acknowledged_at")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        activity = attrs.get("activity") or self.instance.activity
        attrs["letters"] = rules.VARIANTS[activity.matrix.variant].normalise(
            attrs.get("letters", self.instance.letters if self.instance else "")
        )
        return attrs


class RaciTemplateSerializer(ValidatedModelSerializer):
    class Meta:
        model = RaciTemplate
        fields = (*COMMON, "name", "variant", "description", "content", "owner")
        read_only_fields = ("variant", "content", "owner")


class DataObjectSerializer(ValidatedModelSerializer):
    class Meta:
        model = DataObject
        fields = (*COMMON, "ecosystem", "name", "confidential")


class AccessGrantSerializer(ValidatedModelSerializer):
    flagged = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccessGrant
        fields = (*COMMON, "matrix", "role", "data_object", "level", "flagged")


class AccessMatrixSerializer(ValidatedModelSerializer):
    class Meta:
        model = AccessMatrix
        fields = (
            *COMMON, "ecosystem", "version", "status", "approved_by", "approved_at", "note",
            "created", "last_updated",
        )  # fmt: skip
        read_only_fields = ("version", "status", "approved_by", "approved_at")


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(help_text="Version compared from")
    new = serializers.IntegerField(help_text="Version compared to")
    added = serializers.ListField(child=serializers.DictField())
    removed = serializers.ListField(child=serializers.DictField())
    changed = serializers.ListField(child=serializers.DictField())


class LoadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class AnalysisSerializer(serializers.Serializer):
    per_role = LoadSerializer(many=True)
    per_person = LoadSerializer(many=True)
    unowned_activities = serializers.ListField(child=serializers.DictField())
    owners_by_organisation = serializers.ListField(child=serializers.DictField())
    owners_by_layer = serializers.DictField(child=serializers.IntegerField())
