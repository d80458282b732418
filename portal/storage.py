"""Static files as production serves them: hashed names, compressed copies, URLs worked out once."""

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, with each file's URL kept once it is known.

    The manifest is read when the process starts and never changes under it, so a name's hashed
    URL is the same on every request; working it out again (manifest lookup, path quoting,
    joining) cost ~0.2 ms per `{% static %}`, seven on every page.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        # DEBUG answers the unhashed name, and a test may switch it: kept only when serving.
        if force or name is None or settings.DEBUG:
            return super().url(name, force=force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
