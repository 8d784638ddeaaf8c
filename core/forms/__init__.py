from .base import LineListField, LoginForm, PasswordChangeForm, RestrictedModelForm

__all__ = ("LineListField", "LoginForm", "PasswordChangeForm", "RestrictedModelForm")
