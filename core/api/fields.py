from rest_framework import serializers


class RelatedObjectField(serializers.PrimaryKeyRelatedField):
    """Written as a primary key, read as ``{id, url, display}``.

    Its choices are restricted to what the requesting user may see by
    ``ValidatedModelSerializer.get_fields`` (with every other relation field), so a
    client cannot attach something from another ecosystem by guessing its id.
    """

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        request = self.context.get("request")
        url = value.get_absolute_url() if hasattr(value, "get_absolute_url") else None
        api_url = None
        if request is not None and hasattr(value, "url_name"):
            from django.urls import NoReverseMatch, reverse

            meta = value._meta
            try:
                api_url = request.build_absolute_uri(
                    reverse(
                        f"{meta.app_label}-api:{meta.model_name}-detail", kwargs={"pk": value.pk}
                    )
                )
            except NoReverseMatch:
                api_url = None
        return {"id": value.pk, "url": api_url, "web_url": url, "display": str(value)}
