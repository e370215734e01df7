"""Every page each persona reaches, timed at 300 employees and at N in one run (issue 21).

    python -m bench.pages --scale 50000 [--runs 5] [--fresh]

Two databases, built once and reused while they hold the wanted number of active employees:
`lb_bench_pages_300` (the demo, `seed_demo`) and `lb_bench_pages_<N>` (`seed_demo --employees N`:
about 200 more departments four deep, 5 enrolments each, budgets allocated, everything through
the HRIS sync and bulk writers); BENCH_DATABASE_URL names the server. `--fresh` rebuilds both.

The pages are the page guard's (tests/crawl.py: a walk from each persona's home over the links,
two pages per URL name), for the access matrix's personas on demo people plus the top manager
(`director`, everyone below her), each walked on the 300-person organisation; the same URLs are
timed on both (the demo's objects have the same ids in both databases, the large one grows the
demo), plus every export link the walk passes. Each persona is the same person on both databases
(pinned by HRIS key: the page guard's rules would pick a grown manager as the outsider manager at
N), and links with a per-database key (survey answer tokens) are translated through keys both share.
One process times both sizes with Django's test
client (no HTTP server, so what is timed is the view, its queries and its template), page by page:
a URL on the small database, then on the large one (the connection switched, the cache emptied),
so the shared machine's changing load falls on both alike. Each URL is fetched once to warm up
(and to count its queries), then `--runs` times, and the median is kept (a single run when the
first took over 2 s, so a very slow page does not take minutes). A streamed answer is read to its
end inside the timing.

An export's memory is measured in a process of its own at N: its peak resident size while it
answers, minus the size before (`export_peak_rss_mb`, the largest).

Last line, JSON: employees, pages, worst_ratio (largest time at N over time at 300, a time under
10 ms counting as 10 ms so a trivial page's jitter is no finding), worst_page, over_1s, over_2x
(pages above the 2x goal), export_peak_rss_mb, queries_grow (pages whose query count differs),
seed_s (building the large organisation), keep_s (keeping its figures for the day, as monitoring's
nightly task does before people open the pages: `monitoring.services.figures_keep_due`).
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench._db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
SMALL = 300
FLOOR_S = 0.010
SLOW_S = 2.0
STATEMENT_TIMEOUT_MS = 30_000
PERSONAS = ("employee", "other_employee", "manager", "outsider_manager", "hr", "director")


def _db_url(employees: int) -> str:
    server = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] if "BENCH_DATABASE_URL" in os.environ else SERVER
    prefix = os.environ.get("BENCH_PAGES_PREFIX", "lb_bench_pages")  # a second set beside the first
    return f"{server}/{prefix}_{employees}"


def _environment(db_url: str, *, timeout: bool = True) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # A statement that runs longer than this is cancelled: the page answers 500 and is timed as
        # it was, instead of one page holding the run for hours (monitoring at 50,000: minutes).
        "DATABASE_URL": f"{db_url}?options=-c%20statement_timeout%3D{STATEMENT_TIMEOUT_MS if timeout else 0}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "testserver,localhost",
        "LOG_LEVEL": "ERROR",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CONN_MAX_AGE": "60",
    }
    env.pop("REDIS_URL", None)  # the local-memory cache: the same for both sizes
    return env


def _child(args: list[str], db_url: str) -> dict:
    env = _environment(db_url, timeout=args[1] != "seed")
    result = subprocess.run(
        [sys.executable, "-m", "bench.pages", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-6000:])
        sys.exit(f"bench.pages {' '.join(args)} failed ({result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- inside a child process (Django set up on one database) -----------------------------------------


def _setup():
    import django

    django.setup()


def _active() -> int:
    from people.models import Employee

    return Employee.objects.filter(active=True).count()


def child_seed(employees: int) -> dict:
    """Build the organisation unless it is there; the seconds it took."""
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    wanted = employees if employees > SMALL else None
    have = _active()
    seconds = None
    if not ((wanted is None and 250 <= have <= 350) or (wanted is not None and have == wanted)):
        started = time.perf_counter()
        call_command("seed_demo", *([f"--employees={wanted}"] if wanted else []), stdout=StringIO())
        seconds = round(time.perf_counter() - started, 1)
    from django.db import connection

    with connection.cursor() as cursor:  # the planner's statistics as autovacuum keeps them
        cursor.execute("ANALYZE")
    from monitoring.services import figures_keep_due

    started = time.perf_counter()
    kept = figures_keep_due()  # as the night's task does: the pages read today's kept figures
    return {
        "seed_s": seconds,
        "employees": _active(),
        "kept_periods": kept,
        "keep_s": round(time.perf_counter() - started, 1),
    }


def _user(persona: str, pin: str | None = None):
    """The persona's login; with `pin` (an HRIS key) on that very person, so that both databases
    walk as the same people: the page guard's rules pick the persona afresh (e.g. the outsider
    manager is the last one made, someone else in the grown organisation)."""
    from django.contrib.auth import get_user_model

    from tests.guard.test_page_guard import demo_user

    if pin is not None:
        from people.demo import _demo_user
        from people.models import Employee

        return _demo_user(persona, Employee.objects.get(external_id=pin))
    known = get_user_model().objects.filter(username=persona, employee__isnull=False).first()
    if known is not None:  # made by an earlier run on this database
        return known
    if persona == "director":
        from people.demo import _demo_user
        from people.models import Employee

        top = Employee.objects.filter(manager=None, active=True).order_by("pk").first()
        return _demo_user("director", top)
    return demo_user(persona)


def _client(persona: str, pin: str | None = None):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a page that fails is a finding, not the end
    client.force_login(_user(persona, pin))
    return client


def _pin(persona: str) -> str:
    """The HRIS key of the persona's person on this database."""
    return _user(persona).employee.external_id


# Links whose key is made per database (random tokens): each is translated to the same object on
# the other database through keys both share.
SURVEY_ANSWER = re.compile(r"/surveys/answer/([^/]+)/")


def _stable_key(url: str):
    """What names the object of a per-database link on both databases, or None."""
    from surveys.models import Invitation

    match = SURVEY_ANSWER.search(url)
    if match is None:
        return None
    invitation = Invitation.objects.select_related("survey", "employee").filter(token=match.group(1)).first()
    if invitation is None:
        return None
    return [invitation.survey.title, invitation.employee.external_id, invitation.follow_up]


def _translate(url: str, key) -> str:
    """The link to the object `key` names on this database (the same link when it is missing)."""
    from surveys.models import Invitation

    if key is None:
        return url
    title, external_id, follow_up = key
    token = (
        Invitation.objects.filter(survey__title=title, employee__external_id=external_id, follow_up=follow_up)
        .order_by("pk")
        .values_list("token", flat=True)
        .first()
    )
    return url if token is None else SURVEY_ANSWER.sub(f"/surveys/answer/{token}/", url)


def child_walk() -> dict:
    """persona -> the URLs the page guard's walk reaches, plus the export links it passes."""
    from urllib.parse import urljoin

    from tests.crawl import _Links, reachable_pages

    found, pins = {}, {}
    for persona in PERSONAS:
        pins[persona] = _pin(persona)
        client = _client(persona)
        original_get, exports = client.get, []

        def get(url, *args, _get=original_get, _exports=exports, **kwargs):
            response = _get(url, *args, **kwargs)
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                parser = _Links()  # the export links are relative ("?export=csv"): resolved here
                parser.feed(response.content.decode())
                _exports += [urljoin(url, h).replace("&amp;", "&") for h in parser.hrefs if "export=" in h]
            return response

        client.get = get
        pages = reachable_pages(client, per_name=2)
        urls = [p.url for p in pages if p.status == 200]
        found[persona] = urls + [u for u in dict.fromkeys(exports) if u not in urls]
    keys = {url: _stable_key(url) for urls in found.values() for url in urls if SURVEY_ANSWER.search(url)}
    return {"pages": found, "pins": pins, "keys": keys}


def _fetch(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return time.perf_counter() - started, response


def _use(database: str) -> None:
    """Point the default connection at another of the two databases, with nothing carried over."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = database
    cache.clear()
    ContentType.objects.clear_cache()


def _measure(client, url: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries: a full log would count 0
    with CaptureQueriesContext(connection) as queries:
        first, response = _fetch(client, url)
    count = len(queries)  # now: the next request empties the log it reads from
    times = [first] if first > SLOW_S else [_fetch(client, url)[0] for _ in range(runs)]
    return {
        "s": round(statistics.median(times), 4),
        "runs": len(times),
        "queries": count,
        "status": response.status_code,
        "type": response.get("Content-Type", "").split(";")[0],
    }


def child_time(walk: dict, runs: int, databases: dict) -> dict:
    """Each URL timed on one database and then on the other, page by page, so a change in the
    machine's load (it is shared) falls on both sizes alike. The personas are the same people on
    both (pinned by HRIS key), a per-database link is translated, and each client fetches its home
    once before the timing starts (the process's first request pays for imports and caches)."""
    sizes = list(databases)
    pages, pins, keys = walk["pages"], walk["pins"], walk["keys"]
    clients, links = {}, {}
    for size in sizes:
        _use(databases[size])
        clients[size] = {persona: _client(persona, pins[persona]) for persona in pages}
        links[size] = {url: _translate(url, key) for url, key in keys.items()}
        for client in clients[size].values():
            _fetch(client, "/")
    results = {size: {} for size in sizes}
    for persona, urls in pages.items():
        for url in urls:
            for size in sizes:
                _use(databases[size])
                target = links[size].get(url, url)
                results[size][f"{persona} {url}"] = _measure(clients[size][persona], target, runs)
    return results


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_export(persona: str, url: str, pin: str | None = None) -> dict:
    client = _client(persona, pin)  # nothing else fetched: the process's peak so far is Django's own
    before = _rss_mb()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, response = _fetch(client, url)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "growth_mb": round(max(0.0, peak - max(before, peak_before)), 1),
        "peak_mb": round(peak, 1),
        "s": round(seconds, 3),
        "status": response.status_code,
        "streaming": response.streaming,
    }


# --- the parent ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=50_000, help="employees in the large organisation")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="rebuild both databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--arg", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup()
        data = json.loads(args.arg) if args.arg else {}
        out = {
            "seed": lambda: child_seed(data["employees"]),
            "walk": child_walk,
            "time": lambda: child_time(data["walk"], data["runs"], {int(k): v for k, v in data["databases"].items()}),
            "export": lambda: child_export(data["persona"], data["url"], data.get("pin")),
        }[args.child]()
        print(json.dumps(out))
        return

    small_db, large_db = _db_url(SMALL), _db_url(args.scale)
    for url in (small_db, large_db):
        ensure_database(url, fresh=args.fresh)
    seeds = {}
    for size, url in ((SMALL, small_db), (args.scale, large_db)):
        seeds[size] = _child(["--child", "seed", "--arg", json.dumps({"employees": size})], url)
        print(f"{size}: {seeds[size]}", flush=True)
    walk = _child(["--child", "walk"], small_db)
    print(f"pages per persona: { {p: len(u) for p, u in walk['pages'].items()} }", flush=True)
    started = time.perf_counter()
    names = {size: url.rsplit("/", 1)[1] for size, url in ((SMALL, small_db), (args.scale, large_db))}
    arg = json.dumps({"walk": walk, "runs": args.runs, "databases": names})
    timed = {int(k): v for k, v in _child(["--child", "time", "--arg", arg], small_db).items()}
    print(f"timed {len(timed[SMALL])} pages at both sizes in {time.perf_counter() - started:.0f} s", flush=True)

    rows, ratios, queries_grow = [], {}, []
    for key, small in timed[SMALL].items():
        large = timed[args.scale].get(key)
        if large is None:
            continue
        ratio = max(large["s"], FLOOR_S) / max(small["s"], FLOOR_S)
        ratios[key] = ratio
        if small["queries"] != large["queries"]:
            queries_grow.append(key)
        rows.append((ratio, key, small, large))
    rows.sort(reverse=True)
    print(f"{'ratio':>7} {'at 300':>8} {'at N':>8} {'q300':>5} {'qN':>5}  page")
    for ratio, key, small, large in rows:
        flag = "" if large["status"] == 200 else f"  [{small['status']}→{large['status']}]"
        print(
            f"{ratio:7.2f} {small['s']:8.3f} {large['s']:8.3f} {small['queries']:5} {large['queries']:5}  {key}{flag}"
        )

    exports = sorted({(k.split(" ", 1)[0], k.split(" ", 1)[1]) for k in timed[SMALL] if "export=" in k})
    peaks = {}
    for persona, url in exports:
        arg = json.dumps({"persona": persona, "url": url, "pin": walk["pins"][persona]})
        result = _child(["--child", "export", "--arg", arg], large_db)
        peaks[f"{persona} {url}"] = result
        print(f"export {persona} {url}: {result}", flush=True)
    worst = rows[0] if rows else (0, "", {}, {})
    print(
        json.dumps(
            {
                "bench": "pages",
                "employees": seeds[args.scale]["employees"],
                "small_employees": seeds[SMALL]["employees"],
                "pages": len(rows),
                "worst_ratio": round(worst[0], 2),
                "worst_page": worst[1],
                "worst_s": worst[3].get("s"),
                "over_1s": sum(1 for _r, _k, _s, large in rows if large["s"] > 1.0),
                "over_2x": sum(1 for r in ratios.values() if r > 2),
                "export_peak_rss_mb": max((p["growth_mb"] for p in peaks.values()), default=0.0),
                "exports_streamed": sum(1 for p in peaks.values() if p["streaming"]),
                "exports": len(peaks),
                "queries_grow": len(queries_grow),
                "seed_s": seeds[args.scale]["seed_s"],
                "keep_s": seeds[args.scale].get("keep_s"),
            }
        )
    )


if __name__ == "__main__":
    main()
