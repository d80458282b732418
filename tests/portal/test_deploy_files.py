"""No Docker engine runs the tests, so the deployment files are checked by reading them."""

import re

import yaml

from tests.conftest import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = (REPO_ROOT / ".env.example").read_text()


def test_compose_runs_the_whole_stack_with_health_checks():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]


def test_compose_keeps_data_in_named_volumes_and_reads_settings_from_env_file():
    assert {"pgdata", "redisdata", "evidence"} <= set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in COMPOSE["services"]["db"]["volumes"]
    for name in ("web", "worker", "beat", "migrate"):
        service = COMPOSE["services"][name]
        assert service["env_file"] == ".env"
        assert "evidence:/srv/portal/evidence" in service["volumes"]
    for name in ("web", "worker", "beat"):
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_every_setting_read_from_the_environment_is_documented_in_env_example():
    source = "".join(p.read_text() for p in (REPO_ROOT / "portal" / "settings").glob("*.py"))
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE, flags=re.MULTILINE))
    assert read, "no env() calls found: the pattern is out of date"
    assert read - {"CI"} <= documented, read - documented


def test_dockerfile_installs_weasyprint_libraries_and_a_cjk_font():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert "uv pip sync" in dockerfile
    assert "requirements.lock" in dockerfile


def test_the_image_leaves_out_local_environments_secrets_and_data():
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    for path in (".venv", ".env", "db.sqlite3", "var/", ".git"):
        assert path in ignored
