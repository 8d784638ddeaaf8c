from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from core.querysets import IMMUTABLE_FIELDS, restrict_choices

from .fields import RelatedObjectField


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's own validation (``clean()``, constraints) so the API and the
    forms enforce the same rules and bad input is a 400, never an IntegrityError."""

    serializer_related_field = RelatedObjectField

    url = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        meta = obj._meta
        from django.urls import reverse

        path = reverse(f"{meta.app_label}-api:{meta.model_name}-detail", kwargs={"pk": obj.pk})
        return request.build_absolute_uri(path) if request else path

    def get_display(self, obj) -> str:
        return str(obj)

    def get_fields(self):
        """Every writable relation, declared or generated, accepts only ids the user may
        see: restricted here once, not in each serializer."""
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if request is None:
            return fields
        for field in fields.values():
            relation = field.child_relation if isinstance(field, ManyRelatedField) else field
            writable = isinstance(relation, RelatedField) and not relation.read_only
            if writable and relation.queryset is not None:
                relation.queryset = restrict_choices(relation.queryset, user)
        return fields

    def get_unique_together_validators(self):
        # The model's own constraint check (in validate) reports these, with the
        # constraint's message, once.
        return []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            moved = [
                name
                for name in IMMUTABLE_FIELDS
                if name in attrs and getattr(self.instance, name) != attrs[name]
            ]
            if moved:
                raise serializers.ValidationError(
                    {name: "Fixed once the record exists." for name in moved}
                )
        many_to_many = {f.name for f in self.Meta.model._meta.many_to_many}
        plain = {key: value for key, value in attrs.items() if key not in many_to_many}
        if self.instance is None:
            instance = self.Meta.model(**plain)
        else:
            instance = self.Meta.model._base_manager.get(pk=self.instance.pk)
            for key, value in plain.items():
                setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs
