from django.apps import AppConfig


class SiamConfig(AppConfig):
    name = "siam"
    verbose_name = "Ecosystem"
