"""What writing the ecosystem's records means, beyond storing their fields."""

from core.commands import Write, save_command

from .access import get_access_context
from .models import Organisation


@save_command(Organisation)
def save_organisation(write: Write) -> Organisation:
    if write.creating and write.user is not None and not write.user.is_superuser:
        # The organisation that records it keeps it in sight until it joins an ecosystem.
        editor_orgs = sorted(get_access_context(write.user).editor_organisation_ids)
        return write.save(registered_by_id=editor_orgs[0] if editor_orgs else None)
    return write.save()
