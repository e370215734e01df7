"""Run inside `make run`'s embedded mode (SQLite, the file broker): every beat task once, then
every page each demo persona reaches, in Dutch and in English. Prints one JSON line: the tasks
that raised and the pages that answered 500, with their errors.

Started by tests/test_embedded_mode.py in a process of its own, after `migrate` and `seed_demo`,
so the suite's PostgreSQL never hides SQL that SQLite refuses.
"""

import json
import traceback

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from config.celery import BEAT_SCHEDULE, app  # noqa: E402
from tests.crawl import reachable_pages  # noqa: E402

PERSONAS = ("hr", "manager", "employee")


def main() -> None:
    app.loader.import_default_modules()  # the apps' tasks, as a worker finds them
    failed_tasks = {}
    for entry in BEAT_SCHEDULE.values():
        try:
            app.tasks[entry["task"]].apply(throw=True)
        except Exception:  # reported, not hidden: the test fails on any
            failed_tasks[entry["task"]] = traceback.format_exc(limit=-3)
    broken, walked = [], 0
    for username in PERSONAS:
        for language in ("nl", "en"):
            client = Client(raise_request_exception=False)
            client.force_login(get_user_model().objects.get(username=username))
            pages = reachable_pages(client, language=language, per_name=2)
            walked += len(pages)
            broken += [f"{username} {language} {p.url}" for p in pages if p.status >= 500]
    print(json.dumps({"tasks": len(BEAT_SCHEDULE), "failed_tasks": failed_tasks, "pages": walked, "broken": broken}))


if __name__ == "__main__":
    main()
