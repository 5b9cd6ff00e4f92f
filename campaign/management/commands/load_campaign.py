from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from campaign.lib.pagecache import page_cache_clear


class Command(BaseCommand):
    help = (
        "Load a campaign's content from a folder of JSON fixtures, in file-name order. "
        "Fixtures carry natural keys, not primary keys, so loading again updates rows in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "landmine-maps"),
            help="Folder of *.json fixtures (default: fixtures/landmine-maps).",
        )

    def handle(self, *args, folder: str, **options) -> None:
        path = Path(folder)
        files = sorted(path.glob("*.json"))
        if not files:
            raise CommandError(f"No *.json fixtures in {path}.")
        # One loaddata call: one transaction, so a broken fixture loads nothing at all.
        call_command("loaddata", *[str(f) for f in files], verbosity=options["verbosity"])
        # The public pages kept in the shared cache show the new content from now on.
        page_cache_clear()
