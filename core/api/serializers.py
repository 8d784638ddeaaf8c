from django.core.exceptions import FieldDoesNotExist
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

    def build(self):
        """The object with the validated field values assigned and nothing saved: for a
        save command that saves it itself (``core.commands.Write.build``)."""
        concrete = {f.name for f in self.Meta.model._meta.concrete_fields}
        instance = self.instance if self.instance is not None else self.Meta.model()
        for name, value in self.validated_data.items():
            if name in concrete:
                setattr(instance, name, value)
        return instance

    def changed_fields(self) -> list[str]:
        """The names of the fields whose validated value differs from the stored one,
        read before the save (``core.commands.Write.changed``)."""
        meta = self.Meta.model._meta
        concrete = {f.name for f in meta.concrete_fields}
        many = {f.name for f in meta.many_to_many}
        changed = []
        for name, value in self.validated_data.items():
            if name in concrete:
                if getattr(self.instance, name) != value:
                    changed.append(name)
            elif name in many:
                stored = set(getattr(self.instance, name).values_list("pk", flat=True))
                if stored != {obj.pk for obj in value}:
                    changed.append(name)
        return changed

    #: Sent back unchanged by clients that PUT what they GET; never an error.
    ECHOED = frozenset({"id", "url", "display", "created", "last_updated"})

    def to_internal_value(self, data):
        """A field the client may not write is a 400 naming it, not a silent drop: a
        read-only field given a value other than the current one, or a field the
        record does not have."""
        if hasattr(data, "keys"):
            fields = self.fields
            errors = {}
            for name in list(data):
                field = fields.get(name)
                if field is None:
                    errors[name] = [
                        f"No such field. The fields are: {', '.join(sorted(n for n, f in fields.items() if not f.read_only))}."
                    ]
                elif (
                    field.read_only
                    and name not in self.ECHOED
                    and not self._unchanged(field, data[name])
                ):
                    errors[name] = [
                        "Read only: it is set by the application (for an incident, through its actions)."
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _unchanged(self, field, value) -> bool:
        if self.instance is None:
            return value in (None, "", [], {})
        try:
            current = field.to_representation(field.get_attribute(self.instance))
        except (AttributeError, KeyError, TypeError, ValueError):
            # A derived value we cannot read back counts as a change: refused.
            return False
        return current == value or str(current) == str(value)

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        """DRF makes every field of a unique constraint required; a field the model
        leaves blank (``blank=True``: a target for any classification) stays optional,
        and the constraint is checked by ``full_clean`` in ``validate``."""
        asked = {name: dict(kwargs) for name, kwargs in extra_kwargs.items()}
        extra_kwargs, hidden = super().get_uniqueness_extra_kwargs(
            field_names, declared_fields, extra_kwargs
        )
        model = self.Meta.model
        for name, kwargs in extra_kwargs.items():
            if "required" in kwargs and "required" not in asked.get(name, {}):
                try:
                    blank = model._meta.get_field(name).blank
                except FieldDoesNotExist:  # a declared field, not the model's
                    continue
                if blank:
                    kwargs.pop("required")
        return extra_kwargs, hidden

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
        # Only the row's own columns: many-to-many values and inputs that are not
        # fields (a command's options) are not the model's to validate.
        concrete = {f.name for f in self.Meta.model._meta.concrete_fields}
        plain = {key: value for key, value in attrs.items() if key in concrete}
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
