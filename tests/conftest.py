import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django would then refuse the
# test's own (synchronous) database queries. The live server runs in threads of its own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def system_chromium() -> str | None:
    """Debian's chromium where it is installed; otherwise Playwright's own browser."""
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English: a request in another language activates it in this thread
    (the middleware does not deactivate), and `reverse()` in the next test would follow it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with empty caches: nothing cached by one test may leak into the next
    (Django's cache, the public pages, the signing view's petition rows, the drain this process
    queued)."""
    from django.core.cache import cache

    from campaign.lib.pagecache import page_cache_clear
    from petitions.selectors import petition_signing_cache_clear
    from petitions.services import drain_schedule_forget

    def clear() -> None:
        cache.clear()
        page_cache_clear()
        petition_signing_cache_clear()
        drain_schedule_forget()

    clear()
    yield
    clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args, "headless": True, "args": CHROMIUM_ARGS}
    if executable := system_chromium():
        args["executable_path"] = executable
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # A phone-sized viewport: most supporters sign on a phone.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: what is not run there is not known to work."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
