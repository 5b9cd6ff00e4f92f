"""The scheduler: jobs from settings, and exactly one acting scheduler among several."""

import signal
from datetime import datetime

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.core.exceptions import ImproperlyConfigured
from django_tasks_db.models import DBTaskResult

from campaign.lib.scheduler import jobs_from_settings, trigger_make
from campaign.models import Heartbeat
from tests.ops.processes import process_env

REFRESH = "petitions.services.counts_refresh"
HEARTBEAT = "campaign.lib.heartbeats.worker_heartbeat"


def test_times_are_intervals_or_crontab_lines():
    assert isinstance(trigger_make(when="every 3s", time_zone="UTC"), IntervalTrigger)
    every_five = trigger_make(when="every 5m", time_zone="UTC")
    assert every_five.interval.total_seconds() == 300
    daily = trigger_make(when="15 3 * * *", time_zone="Europe/London")
    assert isinstance(daily, CronTrigger)
    assert str(daily.timezone) == "Europe/London"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("every 0s", "longer than 0"),
        ("sometimes", "crontab line"),
        ("0 3 * * 1", "weekday"),
        ("61 3 * * *", "not a valid crontab"),
    ],
)
def test_a_wrong_time_is_refused_with_a_message(when, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        trigger_make(when=when, time_zone="UTC")


def test_every_job_in_the_settings_names_a_task_or_command_that_exists(settings):
    jobs = {job.name: job for job in jobs_from_settings()}
    assert {
        "refresh_counts",
        "send_confirmation_emails",
        "purge_signatures",
        "purge_letters",
        "reconcile_counts",
        "prune_task_results",
    } <= set(jobs)
    assert jobs["refresh_counts"].task.module_path == REFRESH
    assert jobs["purge_letters"].args == ("purge_letters",)


def test_a_job_naming_nothing_that_exists_stops_the_scheduler_at_start():
    with pytest.raises(ImproperlyConfigured, match="no management command 'purge_everything'"):
        jobs_from_settings({"x": {"when": "every 1m", "command": "purge_everything"}})
    with pytest.raises(ImproperlyConfigured, match="no task"):
        jobs_from_settings({"x": {"when": "every 1m", "task": "petitions.services.nothing"}})


def test_the_environment_changes_a_jobs_time_or_turns_it_off(monkeypatch):
    from campaign.settings import schedule

    monkeypatch.setenv("SCHEDULE_PURGE_LETTERS", "0 2 * * *")
    monkeypatch.setenv("SCHEDULE_RECONCILE_COUNTS", "off")
    jobs = schedule(
        {
            "purge_letters": {"when": "30 3 * * *", "command": "purge_letters"},
            "reconcile_counts": {"when": "0 4 * * *", "command": "reconcile_counts"},
        }
    )
    assert jobs == {"purge_letters": {"when": "0 2 * * *", "command": "purge_letters"}}


def enqueued(task_path: str) -> list[datetime]:
    return sorted(
        DBTaskResult.objects.filter(task_path=task_path).values_list("enqueued_at", flat=True)
    )


def assert_once_per_period(times: list[datetime], period: float) -> None:
    """At most one enqueue per period: a second acting scheduler would double them."""
    assert len(times) >= 3, times
    span = (times[-1] - times[0]).total_seconds()
    # n runs of one schedule are n - 1 periods apart, give or take one late start.
    assert len(times) - 1 <= span / period + 1, (len(times), span)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_one_acts_the_other_takes_over_when_it_stops(processes):
    env = process_env(
        SCHEDULE_REFRESH_COUNTS="every 1s",
        SCHEDULE_WORKER_HEARTBEAT="every 1s",
        SCHEDULER_HEARTBEAT_SECONDS="0.5",
        SCHEDULER_STANDBY_POLL_SECONDS="0.5",
    )
    first = processes.manage("scheduler-a", "scheduler", env=env)
    first.wait_for("Acting scheduler")
    second = processes.manage("scheduler-b", "scheduler", env=env)
    second.wait_for("Standby")

    # Both running: one acts. Wait for ten runs of the one-second jobs.
    while len(enqueued(REFRESH)) < 10:
        first.wait_for("Enqueued job refresh_counts", after=len(first.log()))
    assert "Enqueued job" not in second.log()
    assert_once_per_period(enqueued(REFRESH), 1.0)
    assert_once_per_period(enqueued(HEARTBEAT), 1.0)
    assert Heartbeat.objects.filter(name="scheduler").exists()

    # The acting one stops (a deploy): the standby takes over and carries on alone.
    before = len(enqueued(REFRESH))
    first.stop(signal.SIGTERM)
    assert "Scheduler stopped" in first.log()
    second.wait_for("Acting scheduler")
    while len(enqueued(REFRESH)) < before + 5:
        second.wait_for("Enqueued job refresh_counts", after=len(second.log()))
    taken_over = enqueued(REFRESH)[before:]
    assert_once_per_period(taken_over, 1.0)


@pytest.mark.django_db(transaction=True)
def test_a_killed_scheduler_is_replaced_by_the_standby(processes):
    env = process_env(
        SCHEDULE_REFRESH_COUNTS="every 1s",
        SCHEDULER_HEARTBEAT_SECONDS="0.5",
        SCHEDULER_STANDBY_POLL_SECONDS="0.5",
    )
    first = processes.manage("scheduler-a", "scheduler", env=env)
    first.wait_for("Acting scheduler")
    second = processes.manage("scheduler-b", "scheduler", env=env)
    second.wait_for("Standby")
    # No goodbye: PostgreSQL releases the lock when the killed process's session ends.
    first.stop(signal.SIGKILL)
    second.wait_for("Acting scheduler")
    second.wait_for("Enqueued job refresh_counts")
