"""The generic tests every app's models get (``harness``); each app describes its
models as ``ModelCase``s in ``tests/<app>/cases.py`` and runs the checks from its
``test_generic.py``. ``test_coverage`` fails when a model has no case."""
