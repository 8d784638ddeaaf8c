"""factory-boy factories for the domain models."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from siam.choices import ContractKindChoices, MembershipRoleChoices, SystemKindChoices
from siam.models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
    ServiceProvider,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    country = "NL"


class EcosystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ecosystem

    name = factory.Sequence(lambda n: f"Ecosystem {n}")
    slug = factory.Sequence(lambda n: f"ecosystem-{n}")
    customer = factory.SubFactory(OrganisationFactory)
    integrator = factory.SelfAttribute("customer")


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    ecosystem = factory.SubFactory(EcosystemFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    ecosystem = factory.SubFactory(EcosystemFactory)
    kind = ContractKindChoices.SLA
    reference = factory.Sequence(lambda n: f"SLA-{n:04d}")
    name = factory.Sequence(lambda n: f"Contract {n}")
    supplier = factory.SelfAttribute("ecosystem.integrator")
    consumer = factory.SelfAttribute("ecosystem.customer")
    start_date = date(2026, 1, 1)


class ConnectedSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedSystem

    ecosystem = factory.SubFactory(EcosystemFactory)
    organisation = factory.SelfAttribute("ecosystem.customer")
    name = factory.Sequence(lambda n: f"System {n}")
    kind = SystemKindChoices.JIRA


class IntegrationFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegrationFlow

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Flow {n}")
    source = factory.SubFactory(
        ConnectedSystemFactory, ecosystem=factory.SelfAttribute("..ecosystem")
    )
    target = factory.SubFactory(
        ConnectedSystemFactory,
        ecosystem=factory.SelfAttribute("..ecosystem"),
        kind=SystemKindChoices.SERVICENOW,
    )
    exchanged_fields = factory.LazyFunction(lambda: ["summary", "status"])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name.replace(' ', '.').lower()}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRoleChoices.EDITOR


# --- slas ---------------------------------------------------------------------------------

from datetime import time as _time  # noqa: E402

from slas.models import BusinessCalendar, PriorityMatrix, ServiceLevelTarget, WorkingPeriod  # noqa: E402


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Office hours {n}")
    time_zone = "Europe/Amsterdam"

    @factory.post_generation
    def office_hours(self, create, extracted, **kwargs):
        if create and extracted is not False and not self.always_open:
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=self, weekday=day, start=_time(9), end=_time(17))
                for day in range(5)
            )


class PriorityMatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityMatrix

    ecosystem = factory.SubFactory(EcosystemFactory)


class ServiceLevelTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLevelTarget

    contract = factory.SubFactory(ContractFactory)
    priority = "P1"
    response_minutes = 30
    resolution_minutes = 120
    calendar = factory.SubFactory(
        BusinessCalendarFactory, ecosystem=factory.SelfAttribute("..contract.ecosystem")
    )
