"""Production's static storage: the hashed URL of each file, worked out once per process."""

import json

import pytest

from portal.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    settings.STATIC_URL = "/static/"
    manifest = {"version": "1.1", "hash": "h", "paths": {"css/portal.css": "css/portal.0a1b2c.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_files_url_is_its_hashed_name_and_is_kept(storage):
    assert storage.url("css/portal.css") == "/static/css/portal.0a1b2c.css"
    # Kept: the manifest is read at start and does not change under a running process.
    storage.hashed_files["css/portal.css"] = "css/portal.ffffff.css"
    assert storage.url("css/portal.css") == "/static/css/portal.0a1b2c.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/absent.css")


def test_debug_answers_the_unhashed_name_and_keeps_nothing(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/portal.css") == "/static/css/portal.css"
    settings.DEBUG = False
    assert storage.url("css/portal.css") == "/static/css/portal.0a1b2c.css"
