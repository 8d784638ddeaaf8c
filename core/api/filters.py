"""Filter backend that refuses what it does not know.

A misspelt filter (``?stauts=open``) would otherwise be ignored and the whole list
returned, which a script cannot tell from a correct answer. A list endpoint answers
400 naming the unknown parameters and the ones it knows.
"""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework.exceptions import ValidationError

#: Parameters every list takes besides its filters (paging, ordering, format, schema).
GENERAL = {"limit", "offset", "cursor", "ordering", "format"}


def parameter_names(filterset) -> set[str]:
    names = set()
    for name, field in filterset.filters.items():
        widget = field.field.widget
        if isinstance(widget, SuffixedMultiWidget):
            names.update(widget.suffixed(name, suffix) for suffix in widget.suffixes)
        else:
            names.add(name)
    return names


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") == "list":
            filterset = self.get_filterset(request, queryset, view)
            known = GENERAL | (parameter_names(filterset) if filterset is not None else set())
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                raise ValidationError(
                    {
                        name: [f"Unknown filter. This list takes: {', '.join(sorted(known))}."]
                        for name in unknown
                    }
                )
        return super().filter_queryset(request, queryset, view)
