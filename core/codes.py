"""One allocator for every per-owner code (incident references, requirement codes …)."""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import CodeCounter


def allocate_number(scope: str, owner_id: int, highest_in_use: Callable[[], int]) -> int:
    """The next number of ``scope`` for ``owner_id``, unique even under concurrency.

    Call it inside the transaction that stores the code: the counter row stays locked
    until that commits. ``highest_in_use`` seeds a counter the first time (codes made
    before the counter existed, imported records) and is not called again.
    """
    with transaction.atomic():
        counter = (
            CodeCounter.objects.select_for_update().filter(scope=scope, owner_id=owner_id).first()
        )
        if counter is None:
            try:
                with transaction.atomic():
                    CodeCounter.objects.create(
                        scope=scope, owner_id=owner_id, last=highest_in_use()
                    )
            except IntegrityError:
                pass  # created meanwhile by a concurrent first allocation
            counter = CodeCounter.objects.select_for_update().get(scope=scope, owner_id=owner_id)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
