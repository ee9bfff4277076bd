"""The nginx configuration IT staff copy is the one the tests run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_deployment_guide_shows_the_nginx_configuration_the_tests_run():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    shown = re.search(r"```nginx\n(# nginx in front of gunicorn.*?)```\n", guide, re.S)
    assert shown is not None, "docs/deployment.md: the nginx configuration is missing"
    assert shown[1] == (ROOT / "bench" / "nginx-site.conf").read_text()
