"""One generic way to list, view, edit, delete and act on any domain object.

Views are configuration: ``queryset``, ``filterset``, ``table``, ``form``. Every row
reaches the page through ``queryset.restrict(user, action)``, and every page that
names an object in its URL resolves it the same way (``ObjectMixin.get_permitted``):
an object the user may not see is a 404 (its existence does not leak); one they may
see but not act on is a 403 that says why.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from core.commands import OUTSIDE_SCOPE, Write, run_save
from core.history import history_entries
from core.querysets import ADD, CHANGE, DELETE, VIEW
from core.tables import KeysetPaginator


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: field errors on their fields
    when the form has them, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class ObjectMixin:
    queryset = None

    @property
    def model(self):
        return self.queryset.model

    def restricted(self, action):
        return self.queryset.restrict(self.request.user, action)

    def denied_message(self, instance, action) -> str:
        verb = {ADD: "govern", CHANGE: "change", DELETE: "delete"}.get(action, "use")
        return f"You may view this {self.model._meta.verbose_name} but not {verb} it."

    def get_permitted(self, pk, action):
        """The one 404/403 rule: 404 unless the user may see the object, 403 unless
        they may also take ``action`` on it."""
        instance = get_object_or_404(self.restricted(VIEW), pk=pk)
        if action != VIEW and not self.restricted(action).filter(pk=pk).exists():
            raise PermissionDenied(self.denied_message(instance, action))
        return instance

    def model_context(self):
        meta = self.model._meta
        return {
            "model": self.model,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": reverse(self.model.url_name("list")),
            "add_url": self._optional_url("add"),
        }

    def _optional_url(self, suffix: str) -> str | None:
        """Logs and other records made by the system have no "add" page."""
        try:
            return reverse(self.model.url_name(suffix))
        except NoReverseMatch:
            return None

    def template_for(self, suffix: str, generic: str) -> str:
        meta = self.model._meta
        candidates = [f"{meta.app_label}/{meta.model_name}{suffix}.html", generic]
        try:
            return select_template(candidates).template.name
        except TemplateDoesNotExist:  # pragma: no cover - the generic template always exists
            return generic

    def safe_return_url(self, default: str) -> str:
        url = self.request.POST.get("return_url") or self.request.GET.get("return_url")
        if url and url_has_allowed_host_and_scheme(
            url, {self.request.get_host()}, self.request.is_secure()
        ):
            return url
        return default

    def may_add(self) -> bool:
        user = self.request.user
        if user.is_superuser:
            return True
        from core.access import access_context

        return self.model.may_add(access_context(user))

    def sees_several_ecosystems(self) -> bool:
        """Lists name each row's ecosystem only when the user sees more than one: the
        same reference (INC-000001) can exist in each."""
        from core.access import access_context, tenant_model

        user = self.request.user
        if user.is_superuser:
            return tenant_model().objects.count() > 1
        return len(access_context(user).visible_ecosystem_ids) > 1


class ObjectListView(ObjectMixin, View):
    filterset = None
    table = None
    template_name = "generic/object_list.html"
    per_page = 25

    def get_queryset(self, request):
        """Rows the user may see; subclasses add annotations (counts) here."""
        return self.restricted(VIEW)

    def get(self, request):
        queryset = self.get_queryset(request)
        filterset = self.filterset(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        if filterset.is_bound and not filterset.is_valid():
            rows = queryset.none()

        export_format = request.GET.get("_export")
        if export_format and TableExport.is_valid_format(export_format):
            table = self.table(rows, exclude=("actions",))
            RequestConfig(request, paginate=False).configure(table)
            return TableExport(export_format, table).response(
                f"{self.model._meta.verbose_name_plural}.{export_format}"
            )

        # No request here: tables2 would page the table once with its default paginator
        # (a full count) before RequestConfig below pages it again.
        table = self.table(rows)
        if "ecosystem" in table.columns.names() and not self.sees_several_ecosystems():
            table.columns.hide("ecosystem")
        RequestConfig(
            request,
            paginate={
                "per_page": self.per_page,
                "paginator_class": KeysetPaginator,
                "after": request.GET.get("after"),
                "before": request.GET.get("before"),
            },
        ).configure(table)
        page_pks = [row.pk for row in table.page.object_list.data] if table.page else []
        table.changeable_pks = frozenset(
            self.restricted(CHANGE).filter(pk__in=page_pks).values_list("pk", flat=True)
        )
        context = {
            **self.model_context(),
            "table": table,
            "filterset": filterset,
            "filter_form": filterset.form,
            "may_add": self.may_add(),
        }
        template = self.template_name
        if request.htmx and not request.htmx.boosted:
            template = "generic/inc/table.html"
        return render(request, template, context)


class ObjectView(ObjectMixin, View):
    """A detail page: the object, related lists from ``get_extra_context``, and its history."""

    template_name = None

    def get_extra_context(self, request, instance) -> dict:
        return {}

    def get(self, request, pk):
        instance = get_object_or_404(self.restricted(VIEW), pk=pk)
        context = {
            **self.model_context(),
            "object": instance,
            "may_change": self.restricted(CHANGE).filter(pk=instance.pk).exists(),
            "history": history_entries(instance),
            **self.get_extra_context(request, instance),
        }
        template = self.template_name or self.template_for("", "generic/object.html")
        return render(request, template, context)


class ObjectEditView(ObjectMixin, View):
    """Create (``pk`` absent) or update an object through ``form``."""

    form = None
    template_name = "generic/object_edit.html"
    #: name -> inline formset class edited on the same page (e.g. a calendar's periods)
    formsets: dict = {}

    def build_formsets(self, instance, data=None):
        return {
            name: cls(data, instance=instance, prefix=name) for name, cls in self.formsets.items()
        }

    def build_write(self, form, formsets, creating: bool) -> Write:
        """The form's input as a ``Write`` for the model's save command (the API builds
        the same from its serializer): the command, not the view, says what saving
        means."""

        def save(**fields):
            # The form has put its values on its instance already (when validated).
            for name, value in fields.items():
                setattr(form.instance, name, value)
            obj = form.save()
            for formset in formsets.values():
                formset.instance = obj
                formset.save()
            return obj

        changed = (
            []
            if creating
            else [*form.changed_data, *(n for n, fs in formsets.items() if fs.has_changed())]
        )
        return Write(
            model=self.model,
            user=self.request.user,
            creating=creating,
            values=form.cleaned_data,
            save=save,
            build=lambda: form.save(commit=False),
            changed=changed,
        )

    def get_extra_context(self, request, instance) -> dict:
        return {}

    def get_object(self, pk):
        if pk is None:
            if not self.may_add():
                raise PermissionDenied("You may not add records.")
            return self.model()
        return self.get_permitted(pk, CHANGE)

    def get_initial(self, request):
        # Pre-fill from the query string (e.g. "add a service to this ecosystem").
        return {key: value for key, value in request.GET.items() if key in self.form.base_fields}

    def render_form(self, request, instance, form, status=200, formsets=None):
        context = {
            **self.model_context(),
            "object": instance,
            "form": form,
            "formsets": formsets if formsets is not None else self.build_formsets(instance),
            **self.get_extra_context(request, instance),
            "return_url": self.safe_return_url(
                instance.get_absolute_url() if instance.pk else reverse(self.model.url_name("list"))
            ),
        }
        return render(request, self.template_name, context, status=status)

    def build_form(self, request, instance, data=None):
        if data is None:
            form = self.form(
                instance=instance, initial=self.get_initial(request), user=request.user
            )
        else:
            form = self.form(data, request.FILES, instance=instance, user=request.user)
        # Fields re-validate themselves on change (htmx) against this same view.
        form.validate_url = request.path
        return form

    def validate_field(self, request, instance, name):
        """Answer an inline-validation request: the one field, re-rendered with the
        errors the whole form would give it (cross-field rules included), nothing saved."""
        form = self.build_form(request, instance, request.POST)
        if name not in form.fields:
            return HttpResponse(status=204)
        form.is_valid()
        html = form[name].as_field_group()
        # Choices that depend on this field (e.g. an ecosystem's flows) come back too,
        # swapped out of band, without complaining about values the user has not
        # chosen again yet.
        dependents = [n for n in getattr(form, "dependent_fields", {}) if n in form.fields]
        if name == "ecosystem" and dependents:
            form.oob_fields = set(dependents)
            for dependent in dependents:
                form.errors.pop(dependent, None)
                widget = form.fields[dependent].widget
                widget.attrs["class"] = widget.attrs.get("class", "").replace(" is-invalid", "")
                widget.attrs.pop("aria-invalid", None)
                html += form[dependent].as_field_group()
        return HttpResponse(html)

    def get(self, request, pk=None):
        instance = self.get_object(pk)
        return self.render_form(request, instance, self.build_form(request, instance))

    def post(self, request, pk=None):
        instance = self.get_object(pk)
        if request.headers.get("HX-Request") and request.POST.get("_validate"):
            return self.validate_field(request, instance, request.POST["_validate"])
        creating = instance.pk is None
        form = self.build_form(request, instance, request.POST)
        formsets = self.build_formsets(instance, request.POST)
        form_valid = form.is_valid()
        if not (form_valid and all(fs.is_valid() for fs in formsets.values())):
            return self.render_form(request, instance, form, status=422, formsets=formsets)
        self.write = self.build_write(form, formsets, creating)
        try:
            with transaction.atomic():
                obj = self.saved = run_save(self.write)
        except (ValidationError, PermissionDenied) as exc:
            # The command refused (a rule the form cannot see, such as "a draft
            # exists"), or the saved values fall outside what the user may write: the
            # input stays on the page with the reason, and nothing is kept.
            if isinstance(exc, ValidationError):
                add_errors(form, exc)
                status = 422
            else:
                form.add_error(None, str(exc) or OUTSIDE_SCOPE)
                status = 403
            if creating:
                instance.pk = None
            return self.render_form(request, instance, form, status=status, formsets=formsets)
        for notice in self.write.notices:
            messages.warning(request, notice)
        verb = "Created" if creating else "Updated"
        messages.success(request, f"{verb} {self.model._meta.verbose_name} “{obj}”.")
        if creating and "_addanother" in request.POST:
            return redirect(request.path)
        return redirect(
            obj.get_absolute_url() if creating else self.safe_return_url(obj.get_absolute_url())
        )


class ObjectDeleteView(ObjectMixin, View):
    template_name = "generic/object_delete.html"

    def get_object(self, pk):
        return self.get_permitted(pk, DELETE)

    def get(self, request, pk):
        instance = self.get_object(pk)
        context = {
            **self.model_context(),
            "object": instance,
            "return_url": self.safe_return_url(instance.get_absolute_url()),
        }
        return render(request, self.template_name, context)

    def post(self, request, pk):
        instance = self.get_object(pk)
        label = str(instance)
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            blocked = getattr(exc, "protected_objects", None) or getattr(
                exc, "restricted_objects", ()
            )
            blockers = sorted({str(obj) for obj in blocked})
            context = {
                **self.model_context(),
                "object": instance,
                "return_url": self.safe_return_url(instance.get_absolute_url()),
                "blockers": blockers[:20],
                "blocker_count": len(blockers),
            }
            return render(request, self.template_name, context, status=409)
        messages.success(request, f"Deleted {self.model._meta.verbose_name} “{label}”.")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(self.model.url_name("list"))
            return response
        return redirect(reverse(self.model.url_name("list")))


class ObjectActionMixin(ObjectMixin):
    """Resolve the object of an action URL (``pk``) by the one 404/403 rule.

    ``required_action``: what the access rule must allow beyond seeing the object
    (CHANGE for its content, ADD to govern it — approve, start a version). Rules of
    the domain that the access rule cannot express (a lifecycle step only the holder
    may take, a workflow step only the reviewer may take) go in ``authorize``, which
    raises ``PermissionDenied`` with the reason.
    """

    required_action = CHANGE

    def get_object(self, pk):
        instance = self.get_permitted(pk, self.required_action)
        self.authorize(instance)
        return instance

    def authorize(self, instance) -> None:
        """Domain rules beyond the access rule; raise ``PermissionDenied`` with why."""


class ObjectActionView(ObjectActionMixin, View):
    """POST one command on one object, then back to where the user came from.

    Subclasses write ``perform(request, instance, **kwargs)``: it calls the app's
    service (the one write path), returns a response or ``None`` (back to the
    object's page, or a safe ``return_url``), and raises ``ValidationError`` when the
    domain refuses — shown as a message, nothing saved.
    """

    http_method_names = ["post", "options"]
    refused_prefix = ""

    def perform(self, request, instance, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk, **kwargs):
        instance = self.get_object(pk)
        try:
            with transaction.atomic():
                response = self.perform(request, instance, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, self.refused_prefix + message)
            response = None
        return response or redirect(self.safe_return_url(instance.get_absolute_url()))
