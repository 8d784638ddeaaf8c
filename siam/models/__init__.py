"""The ecosystem: organisations, the SIAM layers they play, services, contracts,
connected tools and the integration flows between them (see docs/access.md)."""

from .catalogue import Contract, Service, ServiceProvider
from .organisations import Ecosystem, EcosystemScopedModel, Organisation
from .people import Membership, Person
from .systems import ConnectedSystem, IntegrationFlow

__all__ = [
    "ConnectedSystem", "Contract", "Ecosystem", "EcosystemScopedModel", "IntegrationFlow",
    "Membership", "Organisation", "Person", "Service", "ServiceProvider",
]  # fmt: skip
