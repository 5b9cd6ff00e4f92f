import pytest

from letters.representatives import http
from tests.letters.representatives.fake_api import FakeApi

UK_BASE = "https://members-api.test"
CA_BASE = "https://represent.test"


@pytest.fixture
def fake_api(monkeypatch, settings) -> FakeApi:
    """The APIs answered from recorded/ through a fake transport: no test touches the network."""
    settings.UK_PARLIAMENT_API_URL = UK_BASE
    settings.REPRESENT_API_URL = CA_BASE
    settings.REPRESENTATIVES_API_RATE = "1000/1s"
    api = FakeApi()
    monkeypatch.setattr(http, "transport", api)
    return api
