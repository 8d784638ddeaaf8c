"""OpenAPI descriptions for the project's own serializer fields (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes


class RelatedObjectFieldExtension(OpenApiSerializerFieldExtension):
    """A related object is written as its id and read as ``{id, url, web_url, display}``."""

    target_class = "core.api.fields.RelatedObjectField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        return build_object_type(
            properties={
                "id": build_basic_type(OpenApiTypes.INT),
                "url": build_basic_type(OpenApiTypes.URI),
                "web_url": build_basic_type(OpenApiTypes.STR),
                "display": build_basic_type(OpenApiTypes.STR),
            },
            required=["id", "display"],
        )
