import pytest

from tests.ops.processes import Processes


@pytest.fixture
def processes():
    """Real processes for a test; every one is stopped at its end."""
    started = Processes()
    yield started
    started.stop_all()
