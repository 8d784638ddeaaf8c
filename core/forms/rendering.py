from django.forms.renderers import TemplatesSetting


class SiamFormRenderer(TemplatesSetting):
    """Render every form with the project's field template (Tabler / Bootstrap markup)."""

    field_template_name = "forms/field.html"
