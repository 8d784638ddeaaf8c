from .base import LineListField, LoginForm, RestrictedModelForm

__all__ = ("LineListField", "LoginForm", "RestrictedModelForm")
