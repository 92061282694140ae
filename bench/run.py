"""Benchmark the API on synthetic catalogues against two ceilings (bench/README.md).

Usage (from the project root; `make bench` runs it):

    .venv/bin/python -m bench.run [--exercises-large 100000] [--before DIR]
                                  [--rounds 3] [--seconds 5] [--json FILE]

Builds (or reuses) the catalogues on PostgreSQL, serves each with gunicorn (2
one-thread workers, debug off, Redis), loads every scenario with wrk and prints
requests/s, p50 and p99, each against two ceilings measured in the same run on the
same gunicorn configuration and answering as many bytes as the list: the Django one (a
bare view through the whole middleware stack, on the same server) and the bare one (a
WSGI application without Django, bench/bare.py). ``--before DIR`` serves another
checkout (the commit a change started from) on the same catalogues, scenario by
scenario beside this one, for a before/after table from one run. The figures, the
ratios and the targets go to a JSON file too.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench import serving

LIST = "/api/exercises?equipment=none"
DETAIL = "/api/exercises/synthetic-000500"
COMBINED = (
    "/api/exercises?available=dumbbell,bench,yoga-mat&muscle=glutes"
    "&difficulty=beginner,intermediate"
)
SUGGEST = "/api/routines/suggest?available=dumbbell,yoga-mat&difficulty=intermediate&muscle=glutes&count=3"

# Issue 11's targets: the least ratio of a scenario's requests/s to the Django
# ceiling's and to the bare one's (None: no target), on the small catalogue.
TARGETS = {
    "cached list": (0.7, 0.4),
    "304 list": (0.7, 0.4),
    "cached detail": (0.7, 0.4),
    "304 detail": (0.7, 0.4),
    "uncached list": (0.15, None),
    "detail": (0.15, None),
    "combined filter": (0.1, None),
    "routine suggestion": (0.1, None),
}
# On the large catalogue, these scenarios' p50 at most this times their p50 on the
# small one; the combined filter's factors are reported only.
SCALE_TARGETS = ("uncached list", "uncached list, new filter")
SCALE_FACTOR = 1.5
# A worker's resident memory after the warm-up and every 1,000-exercise scenario.
RSS_MAX_MIB = 120

NO_COUNT_CACHE = {"API_COUNT_CACHE_TIMEOUT": "0"}


def load(server, name, path, args, headers=()):
    """Warm up, then load ``path`` for ``rounds`` fixed times; the median round.

    The median round by requests/s (with its own p50 and p99) rather than one long
    run, so that a burst of other work on the shared machine skews one round, not
    the figure.
    """
    url = server.base + path
    serving.wrk(url, seconds=args.warmup, connections=args.connections, headers=headers)
    rounds = sorted(
        (
            serving.wrk(
                url, seconds=args.seconds, connections=args.connections, headers=headers
            )
            for _ in range(args.rounds)
        ),
        key=lambda result: result["rps"],
    )
    result = rounds[len(rounds) // 2]
    errors = sum(r["non_2xx_3xx"] + r["socket_errors"] for r in rounds)
    spread = "/".join(f"{r['rps']:.0f}" for r in rounds)
    print(
        f"  {name:<26} {result['rps']:>7.0f} req/s  p50 {result['p50']:>7.2f} ms"
        f"  p99 {result['p99']:>7.2f} ms  (rounds {spread} req/s,"
        f" {sum(r['requests'] for r in rounds)} requests, {errors} errors)",
        flush=True,
    )
    if errors:
        for r in rounds:
            print(r["output"], file=sys.stderr)
    return {
        "scenario": name,
        "path": path,
        "rps": result["rps"],
        "p50_ms": result["p50"],
        "p99_ms": result["p99"],
        "rounds_rps": [r["rps"] for r in rounds],
        "requests": sum(r["requests"] for r in rounds),
        "errors": errors,
    }


def etag_of(server, path):
    """``path``'s ETag, checked to answer 304 when sent back."""
    headers, _ = serving.get_ok(server, path)
    etag = headers["ETag"]
    status = server.get(path, {"If-None-Match": etag}).status
    if status != 304:
        raise SystemExit(f"If-None-Match with the ETag of {path} answered {status}")
    return etag


def worker_rss_mib(server):
    """The largest worker's resident memory, in MiB."""
    return max(list(serving.rss_kib(server).values())[1:]) / 1024


# --- The servers, each with its scenarios ------------------------------------------
# Each takes (server, args, size) and returns its results; the Django ceiling first.


def cached(server, args, size):
    list_etag, detail_etag = etag_of(server, LIST), etag_of(server, DETAIL)
    return [
        load(server, "Django ceiling", f"/bench/ceiling?bytes={size}", args),
        load(server, "cached list", LIST, args),
        load(server, "304 list", LIST, args, [f"If-None-Match: {list_etag}"]),
        load(server, "cached detail", DETAIL, args),
        load(server, "304 detail", DETAIL, args, [f"If-None-Match: {detail_etag}"]),
    ]


def uncached(server, args, size):
    for path in (LIST, DETAIL, COMBINED, SUGGEST):
        serving.get_ok(server, path)
    return [
        load(server, "Django ceiling", f"/bench/ceiling?bytes={size}", args),
        load(server, "uncached list", LIST, args),
        load(server, "detail", DETAIL, args),
        load(server, "combined filter", COMBINED, args),
        load(server, "routine suggestion", SUGGEST, args),
    ]


def uncached_large(server, args, size):
    for path in (LIST, COMBINED):
        serving.get_ok(server, path)
    return [
        load(server, "Django ceiling", f"/bench/ceiling?bytes={size}", args),
        load(server, "uncached list", LIST, args),
        load(server, "combined filter", COMBINED, args),
    ]


def new_filter(server, args, size):
    # The count cache off: every request counts its filter, as the first page of a
    # filter nobody asked for since the content last changed does.
    for path in (LIST, COMBINED):
        serving.get_ok(server, path)
    return [
        load(server, "uncached list, new filter", LIST, args),
        load(server, "combined filter, new filter", COMBINED, args),
    ]


def plan(args):
    """The servers to start: (label, catalogue, response cache, env, scenarios)."""
    counts = NO_COUNT_CACHE if args.no_count_cache else {}
    servers = [
        ("response cache on", args.exercises, True, {}, cached),
        ("response cache off", args.exercises, False, counts, uncached),
        ("count cache off too", args.exercises, False, NO_COUNT_CACHE, new_filter),
    ]
    if args.exercises_large:
        servers += [
            ("response cache off", args.exercises_large, False, counts, uncached_large),
            (
                "count cache off too",
                args.exercises_large,
                False,
                NO_COUNT_CACHE,
                new_filter,
            ),
        ]
    return servers


def list_size(count):
    with serving.serving(count, response_cache=False) as server:
        return len(serving.get_ok(server, LIST)[1])


def bare_ceiling(args, size):
    print(f"\nbare WSGI ceiling ({serving.BARE_APP}, same gunicorn configuration):")
    with serving.serving(args.exercises, app=serving.BARE_APP) as server:
        _, body = serving.get_ok(server, f"/?bytes={size}")
        if len(body) != size:
            raise SystemExit(f"the bare ceiling answered {len(body)} bytes, not {size}")
        return load(server, "bare ceiling", f"/?bytes={size}", args)


# --- Report ------------------------------------------------------------------------


def targets(rows, bare, rss, code, args):
    """Each target's figure and whether it is met, for the code labelled ``code``."""
    mine = [row for row in rows if row["code"] == code]
    found = []
    for name, (django_min, bare_min) in TARGETS.items():
        for row in mine:
            if row["scenario"] == name and row["exercises"] == args.exercises:
                if django_min is not None:
                    found.append(
                        _target(
                            f"{name} ÷ Django ceiling",
                            row["rps_django_ratio"],
                            f"≥ {django_min}",
                            row["rps_django_ratio"] >= django_min,
                        )
                    )
                if bare_min is not None:
                    found.append(
                        _target(
                            f"{name} ÷ bare ceiling",
                            row["rps_bare_ratio"],
                            f"≥ {bare_min}",
                            row["rps_bare_ratio"] >= bare_min,
                        )
                    )
    worst = max(rss[code].values()) if rss.get(code) else None
    if worst is not None:
        found.append(
            _target(
                "worker RSS after warm-up (MiB, largest)",
                worst,
                f"≤ {RSS_MAX_MIB}",
                worst <= RSS_MAX_MIB,
            )
        )
    if args.exercises_large:
        for name in (*SCALE_TARGETS, "combined filter", "combined filter, new filter"):
            small = _find(mine, name, args.exercises)
            large = _find(mine, name, args.exercises_large)
            if small and large:
                factor = large["p50_ms"] / small["p50_ms"]
                found.append(
                    _target(
                        f"{name}: p50 on {args.exercises_large:,} ÷ on"
                        f" {args.exercises:,}",
                        factor,
                        f"≤ {SCALE_FACTOR}" if name in SCALE_TARGETS else "reported",
                        factor <= SCALE_FACTOR if name in SCALE_TARGETS else None,
                    )
                )
    errors = sum(row["errors"] for row in mine) + (bare["errors"] if bare else 0)
    found.append(_target("errors", errors, "0", errors == 0))
    return found


def _target(name, value, bound, met):
    return {"target": name, "value": value, "bound": bound, "met": met}


def _find(rows, name, count):
    return next(
        (r for r in rows if r["scenario"] == name and r["exercises"] == count), None
    )


def print_tables(rows, bare, codes, all_targets):
    print(
        "\n| Code | Scenario | Exercises | req/s | p50 ms | p99 ms |"
        " ÷ Django ceiling | ÷ bare ceiling | Errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| – | bare ceiling | – | {bare['rps']:.0f} | {bare['p50_ms']:.2f} |"
        f" {bare['p99_ms']:.2f} | – | 1 | {bare['errors']} |"
    )
    for row in rows:
        print(
            f"| {row['code']} | {row['scenario']} | {row['exercises']:,} |"
            f" {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |"
            f" {row['rps_django_ratio']:.3f} | {row['rps_bare_ratio']:.3f} |"
            f" {row['errors']} |"
        )
    print("\n| Target | Bound | " + " | ".join(codes) + " |")
    print("| --- | --- |" + " ---: |" * len(codes))
    for index, first in enumerate(all_targets[codes[0]]):
        cells = []
        for code in codes:
            found = all_targets[code][index] if index < len(all_targets[code]) else None
            if found is None or found["target"] != first["target"]:
                cells.append("–")
                continue
            mark = {True: "met", False: "**missed**", None: ""}[found["met"]]
            value = found["value"]
            text = f"{value:.3f}" if isinstance(value, float) else str(value)
            cells.append(f"{text} {mark}".strip())
        print(f"| {first['target']} | {first['bound']} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=1000)
    parser.add_argument(
        "--exercises-large",
        type=int,
        default=100_000,
        help="the large catalogue (0 leaves it out)",
    )
    parser.add_argument(
        "--before",
        help="another checkout, or a commit to check out in a temporary git worktree"
        " (the commit a change started from), served beside this one on the same"
        " catalogues",
    )
    parser.add_argument("--seconds", type=int, default=5, help="load per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up per scenario")
    parser.add_argument(
        "--connections",
        type=int,
        default=4,
        help="wrk connections (2 one-thread workers serve them, the rest queue)",
    )
    parser.add_argument(
        "--no-count-cache",
        action="store_true",
        help="count every list in the database on the uncached servers too",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=Path("bench/results.json"),
        help="where to write the machine-readable summary",
    )
    args = parser.parse_args()
    serving.wrk_check()
    with checkout(args.before) as before:
        return run(args, before)


@contextmanager
def checkout(before):
    """``before`` as a directory: itself, or a temporary git worktree of that commit."""
    if before is None or Path(before).is_dir():
        yield before and Path(before).resolve()
        return
    with tempfile.TemporaryDirectory(prefix="hipext-bench-") as parent:
        directory = Path(parent) / "before"
        git = ["git", "-C", str(serving.PROJECT_DIR), "worktree"]
        subprocess.run([*git, "add", "--detach", str(directory), before], check=True)
        try:
            yield directory
        finally:
            subprocess.run([*git, "remove", "--force", str(directory)], check=True)


def run(args, before):
    started = time.monotonic()
    codes = {"after": serving.PROJECT_DIR}
    if before:
        codes = {"before": before, **codes}

    print("machine:")
    machine = serving.machine()
    serving.print_machine(machine)
    builds = {count: serving.ensure_catalogue(count) for count in _catalogues(args)}
    size = list_size(args.exercises)
    print(f"list: {size} bytes; every ceiling answers as many")
    bare = bare_ceiling(args, size)

    rows = []
    rss = {code: {} for code in codes}
    for label, count, response_cache, env, scenarios in plan(args):
        # Scenario by scenario, each code in turn: the same machine state for both.
        for code, project_dir in codes.items():
            print(f"\n{code} ({project_dir}), {count:,} exercises, {label}:")
            with serving.serving(
                count,
                response_cache=response_cache,
                extra_env=env,
                project_dir=project_dir,
            ) as server:
                results = scenarios(server, args, size)
                if count == args.exercises:
                    rss[code][label] = worker_rss_mib(server)
                    print(f"  largest worker RSS: {rss[code][label]:.1f} MiB")
            results = [
                {"code": code, "exercises": count, "server": label, **result}
                for result in results
            ]
            # A server without its own Django ceiling is compared with the one
            # measured last for this code and catalogue.
            django = _find(
                results[::-1] + [r for r in rows[::-1] if r["code"] == code],
                "Django ceiling",
                count,
            )
            for result in results:
                result["rps_django_ratio"] = result["rps"] / django["rps"]
                result["rps_bare_ratio"] = result["rps"] / bare["rps"]
                rows.append(result)

    all_targets = {code: targets(rows, bare, rss, code, args) for code in codes}
    print_tables(rows, bare, list(codes), all_targets)
    elapsed = time.monotonic() - started
    summary = {
        "started_utc": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - elapsed)
        ),
        "seconds": round(elapsed),
        "machine": machine,
        "settings": {key: value for key, value in vars(args).items() if key != "json"},
        "codes": {code: str(path) for code, path in codes.items()},
        "catalogue_build_seconds": builds,
        "list_bytes": size,
        "bare_ceiling": bare,
        "results": rows,
        "worker_rss_mib": rss,
        "targets": all_targets,
    }
    args.json.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nsummary in {args.json}; done in {elapsed:.0f} s")
    mine = all_targets["after"]
    return 1 if any(target["met"] is False for target in mine) else 0


def _catalogues(args):
    return [args.exercises] + ([args.exercises_large] if args.exercises_large else [])


if __name__ == "__main__":
    sys.exit(main())
