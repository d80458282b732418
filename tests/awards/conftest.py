import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Start and end each test in the default language.

    A request through LocaleMiddleware leaves its language active in the thread; lazy messages
    compared outside a request would otherwise follow whichever test ran before.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
