from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from campaign.lib.pagecache import page_cache_clear
from campaign.models import Campaign
from campaign.selectors import campaign_identity_forget


class Command(BaseCommand):
    help = (
        "Load a campaign's content from a folder of JSON fixtures, in file-name order, and its "
        "logo from logo.svg beside them. Fixtures carry natural keys, not primary keys, so "
        "loading again updates rows in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "landmine-maps"),
            help="Folder of *.json fixtures (default: fixtures/landmine-maps).",
        )

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        path = Path(folder)
        files = sorted(path.glob("*.json"))
        if not files:
            raise CommandError(f"No *.json fixtures in {path}.")
        logo = path / "logo.svg"
        logo_svg = logo.read_text(encoding="utf-8").strip() if logo.is_file() else ""
        if logo_svg and "<svg" not in logo_svg[:500]:
            raise CommandError(f"{logo} is not an SVG image.")
        # One transaction, so a broken fixture loads nothing at all.
        with transaction.atomic():
            call_command("loaddata", *[str(f) for f in files], verbosity=options["verbosity"])
            if logo_svg:
                Campaign.objects.update(logo_svg=logo_svg)
        # The public pages kept in the shared cache show the new content from now on.
        campaign_identity_forget()
        page_cache_clear()
