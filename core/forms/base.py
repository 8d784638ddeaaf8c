"""Form machinery shared by every app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.validators import MaxValueValidator, MinValueValidator

from core.querysets import CHANGE, IMMUTABLE_FIELDS, restrict_choices


def _css_class_for(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


#: A number typed into any form or filter stays within what the database and Python's
#: dates can hold; a longer one is a field error, not an overflow deep in a query.
NUMBER_LIMIT = 2**31 - 1


def _bound_numbers(field: forms.Field) -> None:
    if not isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return
    if field.max_value is None:
        field.max_value = NUMBER_LIMIT
        field.validators.append(MaxValueValidator(NUMBER_LIMIT))
        field.widget.attrs.setdefault("max", NUMBER_LIMIT)
    if field.min_value is None:
        field.min_value = -NUMBER_LIMIT
        field.validators.append(MinValueValidator(-NUMBER_LIMIT))


class StyledFormMixin:
    """Give every widget the framework's classes, and mark invalid fields for screen readers."""

    def _style_widgets(self):
        for name, field in self.fields.items():
            _bound_numbers(field)
            widget = field.widget
            css = _css_class_for(widget)
            classes = widget.attrs.get("class", "")
            if css and css not in classes:
                widget.attrs["class"] = f"{classes} {css}".strip()
            if isinstance(widget, forms.DateInput):
                # <input type="date"> only accepts ISO dates; a localised value would be
                # shown empty and saved back as nothing.
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            # Read _errors, not errors: looking at .errors would validate the form
            # before subclasses have finished configuring their fields.
            if self._errors and name in self._errors:
                # Checkbox lists and radios carry no framework class of their own.
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes:
                    widget.attrs["class"] = f"{classes} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def full_clean(self):
        super().full_clean()
        self._style_widgets()


class RestrictedModelForm(StyledFormMixin, forms.ModelForm):
    """A model form whose related-object choices are limited to what the user may see.

    Choices for a field named ``ecosystem`` are limited further, to ecosystems where
    the user may add records; the view re-checks the saved object inside the
    transaction, so a form can never create something its author could not.
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if name == "ecosystem" and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, CHANGE)
            else:
                field.queryset = restrict_choices(queryset, user)
        if self.instance is not None and self.instance.pk:
            for name in IMMUTABLE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed once the record exists."
        self._style_widgets()


class LineListField(forms.CharField):
    """A list of short strings edited as one item per line (stored as a JSON list)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class LoginForm(StyledFormMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class PasswordChangeForm(StyledFormMixin, DjangoPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()
