"""The production build: hashed static files collect, and pages are served with them.

With ``DEBUG=false`` the static storage is WhiteNoise's hashed manifest; a vendored
file pointing at a file that is not shipped (a source map, a font) makes
``collectstatic`` fail, and then every page answers 500. ``.ci/run`` also starts the
real thing (gunicorn on PostgreSQL, a browser); this test catches it in ``make test``.
"""

import json

from .test_settings_and_schema import _manage, _production_env


def test_production_collectstatic_builds_the_manifest(tmp_path):
    env = _production_env(STATIC_ROOT=str(tmp_path / "static"))
    result = _manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    for name in ("vendor/tabler/tabler.min.css", "vendor/tabler/tabler.min.js", "siam/app.css"):
        assert name in manifest["paths"], name
