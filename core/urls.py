"""URL helpers shared by every app."""

from django.urls import path


def crud(prefix: str, views, model: str) -> list:
    """The generic pages of a model, named like NetBox's (``<model>_list``, ``_add``,
    ``<model>``, ``_edit``, ``_delete``), from the views ``<Model>ListView``,
    ``<Model>View``, ``<Model>EditView`` and ``<Model>DeleteView`` of ``views``."""
    name = model.lower()
    view = lambda suffix: getattr(views, f"{model}{suffix}").as_view()  # noqa: E731
    return [
        path(f"{prefix}/", view("ListView"), name=f"{name}_list"),
        path(f"{prefix}/add/", view("EditView"), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", view("View"), name=name),
        path(f"{prefix}/<int:pk>/edit/", view("EditView"), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", view("DeleteView"), name=f"{name}_delete"),
    ]
