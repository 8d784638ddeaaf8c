"""Test settings: production settings (DEBUG off) with test-friendly services."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Each test process gets queues of its own (a worker a test starts inherits this), so
# parallel test processes sharing one broker never run each other's tasks.
os.environ.setdefault("SIAM_QUEUE_PREFIX", f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")

from config.env import filesystem_broker_options
from config.settings import *  # noqa: F403
from config.settings import DATABASES, VAR_DIR

# Plain HTTP in tests: the security redirects are covered by the deploy-check test.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Unit tests run tasks in-process; tests/core/test_worker.py starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker process started by a test can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# A replica alias that is the test database itself: tests/core/test_replica.py turns
# the reports' routing to it on and checks where their queries went.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
SIAM_REPORTS_DATABASE = ""

# WhiteNoise warns about a missing STATIC_ROOT; tests serve static files from the finders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Tests get a broker folder of their own, so a developer's running worker never
# picks up a test's task (Redis, in CI, is a database of its own: see .ci/run).
if CELERY_BROKER_URL == "filesystem://":  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "test-broker")

# Generated reports go to a throwaway folder, not the developer's var/.
import tempfile  # noqa: E402

SIAM_REPORTS_DIR = Path(tempfile.mkdtemp(prefix="siam-test-reports-"))  # noqa: F405

# Sign-in lockout reads the request; tests that sign in without one (client.login)
# would be refused. tests/trust/test_sign_in.py switches it on.
AXES_ENABLED = False
