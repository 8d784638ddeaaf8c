"""One description per raci model with list, detail, add, edit and delete pages, driving
the generic CRUD, isolation and query-count tests of ``tests.generic.harness``. The
context is the ``raci_ctx`` fixture (``tests/raci/conftest.py``): the world and a draft
of ecosystem ``a``'s incident matrix.

``CASES`` are the models people create, edit and delete: roles, RACI matrices, data
objects and identity access matrices. Both matrices are versioned documents (a draft
is edited; an approved version is frozen), so their cases edit and delete drafts.
Their rows, columns, cells and grants are edited on the matrix's own page (the grid)
and are not cases of their own.

``TEMPLATES``: a RACI template is saved from a matrix ("save as template"), never
typed on an add page or posted to the API; it is listed, read, edited and deleted."""

from django.utils import timezone

from raci import identity, services
from raci.choices import MatrixStatusChoices
from raci.models import AccessGrant, AccessMatrix, DataObject, RaciMatrix, RaciTemplate, Role
from tests.generic.harness import ModelCase, ids, spare_ecosystem

from .conftest import build_matrix


def _listed(obj) -> str:
    """The lists show an object as a link to its page (a role by its name alone, an
    access matrix by its version)."""
    return f'href="{obj.get_absolute_url()}"'


def _role(ctx):
    return Role.objects.get_or_create(
        ecosystem=ctx.world.a, organisation=ctx.world.integrator, name="Service desk lead",
        defaults={"acts_as": "integrator", "description": "Runs the first line"},
    )[0]  # fmt: skip


def _data_object(ctx, name="Customer data", confidential=True):
    return DataObject.objects.get_or_create(
        ecosystem=ctx.world.a, name=name, defaults={"confidential": confidential}
    )[0]


def _access_matrix(ctx):
    """The draft of ecosystem ``a``'s access matrix, with a grant."""
    draft = AccessMatrix.objects.filter(
        ecosystem=ctx.world.a, status=MatrixStatusChoices.DRAFT
    ).first()
    if draft:
        return draft
    draft = identity.start_version(ctx.world.a, ctx.world.integrator_admin)
    draft.note = "Providers read tickets"
    draft.save()
    identity.set_level(draft, _role(ctx), _data_object(ctx), "read")
    return draft


def _template(ctx):
    return RaciTemplate.objects.filter(name="Alpha incident process").first() or (
        services.save_as_template(
            ctx.matrix, "Alpha incident process", owner=ctx.world.integrator,
            description="Our incident matrix, as a starting point",
        )
    )  # fmt: skip


# --- bulk: n more rows of ecosystem a, filling the columns their lists show ---------------


def _roles(ctx, n):
    # Of several organisations, each with a holder, every other one a column of a matrix.
    w = ctx.world
    start = Role.objects.count()
    for i in range(n):
        org = w.customer if i % 2 else w.provider1
        role = Role.objects.create(ecosystem=w.a, organisation=org, name=f"Role {start + i}")
        if org == w.customer:
            role.holders.add(w.person)
        if i % 2 == 0:
            ctx.matrix.columns.create(role=role, position=100 + start + i)


def _matrices(ctx, n):
    # Some approved (by someone), each with activities and columns.
    start = RaciMatrix.objects.count()
    for i in range(n):
        matrix = build_matrix(ctx.world.a, activities=3, columns=3, name=f"Matrix {start + i}")
        if i % 2:
            RaciMatrix.objects.filter(pk=matrix.pk).update(
                status=MatrixStatusChoices.APPROVED,
                approved_by=ctx.world.integrator_admin,
                approved_at=timezone.now(),
            )


def _data_objects(ctx, n):
    start = DataObject.objects.count()
    for i in range(n):
        DataObject.objects.create(
            ecosystem=ctx.world.a, name=f"Data {start + i}", confidential=bool(i % 2)
        )


def _access_matrices(ctx, n):
    # Earlier, superseded versions of a's access matrix (one draft per ecosystem), each
    # with grants, approved by someone.
    role, data = _role(ctx), _data_object(ctx)
    for _ in range(n):
        latest = AccessMatrix.objects.filter(ecosystem=ctx.world.a).order_by("-version").first()
        version = AccessMatrix.objects.create(
            ecosystem=ctx.world.a, version=(latest.version if latest else 0) + 1,
            status=MatrixStatusChoices.SUPERSEDED, approved_by=ctx.world.integrator_admin,
            approved_at=timezone.now(),
        )  # fmt: skip
        AccessGrant.objects.create(matrix=version, role=role, data_object=data, level="write")


def _templates(ctx, n):
    # Saved by the integrator (the organisation whose templates its admin sees).
    content = services.as_template(ctx.matrix)
    start = RaciTemplate.objects.count()
    for i in range(n):
        RaciTemplate.objects.create(
            name=f"Template {start + i}", content=content, owner=ctx.world.integrator,
            description=f"Saved from matrix {i}",
        )  # fmt: skip


CASES = [
    ModelCase(
        Role,
        "/api/raci/roles/",
        existing=_role,
        create=lambda c: {"ecosystem": c.world.a.pk, "organisation": c.world.customer.pk, "name": "Business owner",
                          "acts_as": "customer", "description": "Approves changes to the web shop",
                          "holders": [c.world.person.pk], "approves_changes": True},
        update={"name": "Service desk manager", "description": "Runs the first and second line"},
        bulk=_roles,
        listed=_listed,
    ),
    ModelCase(
        RaciMatrix,
        "/api/raci/matrices/",
        existing=lambda c: c.matrix,  # a draft: an approved version is frozen
        create=lambda c: {"ecosystem": c.world.a.pk, "name": "Change management", "variant": "raci",
                          "description": "Who approves a change", "owner_share_limit": 40},
        update={"name": "Incident management (EU)", "description": "For the European shops"},
        bulk=_matrices,
        listed=_listed,
    ),
    ModelCase(
        DataObject,
        "/api/raci/data-objects/",
        existing=_data_object,
        create=lambda c: {"ecosystem": c.world.a.pk, "name": "Financials", "confidential": True},
        update={"name": "Customer personal data", "confidential": False},
        bulk=_data_objects,
        listed=_listed,
    ),
    ModelCase(
        AccessMatrix,
        "/api/raci/access-matrices/",
        existing=_access_matrix,  # a's draft: an approved version is frozen
        # A new access matrix is its ecosystem's next version, and a has a draft already:
        # the new one is another ecosystem's first.
        create=lambda c: {"ecosystem": spare_ecosystem(c).pk, "note": "First version"},
        update={"note": "Providers lose write access to the financials"},
        bulk=_access_matrices,
        listed=_listed,
    ),
]  # fmt: skip

#: Saved from a matrix ("save as template"): no add page and no API create (a POST is
#: refused with 405); listed, read, edited and deleted like the cases.
TEMPLATES = [
    ModelCase(
        RaciTemplate,
        "/api/raci/templates/",
        existing=_template,
        create=lambda c: {"name": "Alpha change process", "description": "Typed, not saved from a matrix"},
        update={"name": "Alpha incident process (2026)", "description": "Reviewed in January"},
        bulk=_templates,
        api_create=False,
        listed=_listed,
    ),
]  # fmt: skip

CASE_IDS = ids(CASES)
TEMPLATE_IDS = ids(TEMPLATES)
