from django.contrib import admin

from core.admin import RestrictedAdmin

from .models import (
    AcceptanceCriterion,
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    Transition,
    UseCase,
    UseCaseStep,
    UserStory,
    Vision,
)


class CriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    extra = 0
    exclude = ("story",)


class StoryCriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    extra = 0
    exclude = ("requirement",)


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    readonly_fields = ("source", "target", "by", "at", "note")
    can_delete = False


@admin.register(Requirement)
class RequirementAdmin(RestrictedAdmin):
    list_display = ("code", "title", "ecosystem", "priority", "status")
    list_filter = ("status", "priority", "ecosystem")
    search_fields = ("code", "title", "statement")
    readonly_fields = ("code", "status")
    inlines = (CriterionInline, TransitionInline)


@admin.register(UserStory)
class UserStoryAdmin(RestrictedAdmin):
    list_display = ("code", "role", "goal", "ecosystem")
    search_fields = ("code", "role", "goal")
    inlines = (StoryCriterionInline,)


class StepInline(admin.TabularInline):
    model = UseCaseStep
    extra = 0


@admin.register(UseCase)
class UseCaseAdmin(RestrictedAdmin):
    list_display = ("code", "title", "ecosystem")
    inlines = (StepInline,)


for model in (PainPoint, Vision, DesignQuestion, BusinessRule):
    admin.site.register(model, RestrictedAdmin)
