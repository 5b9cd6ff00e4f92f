"""The campaign's own fixtures, loaded the way `make run` loads them."""

import pytest
from django.core.management import call_command


@pytest.fixture
def campaign(db) -> None:
    """Every fixture in fixtures/landmine-maps: appeals, figures, signatories, petition, letters."""
    call_command("load_campaign", verbosity=0)
