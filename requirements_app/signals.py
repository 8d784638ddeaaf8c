from django.db.models.signals import post_save
from django.dispatch import receiver

from siam.models import Ecosystem

from .services import seed_design_questions


@receiver(post_save, sender=Ecosystem, dispatch_uid="requirements_seed_design_questions")
def seed_questions_for_new_ecosystems(sender, instance, created, raw=False, **kwargs):
    """Every new ecosystem starts with the seed's design-question catalogue."""
    if created and not raw:
        seed_design_questions(instance)
