import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campaign.lib.scheduler import Scheduler, jobs_from_settings


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs of settings.SCHEDULE on the tasks framework (the worker runs "
        "them). Start one per node if you like: one acts, the others wait as standbys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Print the jobs and their times, then exit."
        )

    def handle(self, *args: Any, list: bool = False, **options: Any) -> None:
        jobs = jobs_from_settings()
        if list:
            for job in jobs:
                what = job.args[0] if job.args else job.task.module_path
                self.stdout.write(f"{job.name}: {job.when} -> {what}")
            return
        scheduler = Scheduler(jobs=jobs)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda signum, frame: scheduler.stop())
        scheduler.run()
