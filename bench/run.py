"""Benchmark the API on a synthetic catalogue against a ceiling (bench/README.md).

Usage (from the project root; `make bench` runs it):

    .venv/bin/python -m bench.run [--exercises-large 100000] [--rounds 3] [--seconds 5]

Builds (or reuses) the catalogues on PostgreSQL, serves each with gunicorn (2
one-thread workers, debug off, Redis), loads every scenario with wrk and prints
requests/s, p50 and p99, each against the ceiling measured on the same server: a bare
Django view answering as many bytes as the list, through the same server and middleware.
"""

import argparse
import sys
import time

from bench import serving

LIST = "/api/exercises?equipment=none"
DETAIL = "/api/exercises/synthetic-000500"
COMBINED = (
    "/api/exercises?available=dumbbell,bench,yoga-mat&muscle=glutes"
    "&difficulty=beginner,intermediate"
)
SUGGEST = "/api/routines/suggest?available=dumbbell,yoga-mat&difficulty=intermediate&muscle=glutes&count=3"

# Ratios of requests/s to the ceiling's that the issue sets as targets.
TARGETS = {"cached list": 0.7, "304 list": 0.7, "uncached list": 0.15}
# On the large catalogue, the uncached list's p50 at most this times its p50 on the small.
LARGE_P50_FACTOR = 2.0


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
        f"  {name:<20} {result['rps']:>7.0f} req/s  p50 {result['p50']:>7.2f} ms"
        f"  p99 {result['p99']:>7.2f} ms  (rounds {spread} req/s,"
        f" {sum(r['requests'] for r in rounds)} requests, {errors} errors)",
        flush=True,
    )
    if errors:
        for r in rounds:
            print(r["output"], file=sys.stderr)
    return {"name": name, "path": path, "errors": errors, **result}


def ceiling(server, size, args):
    return load(server, "ceiling", f"/bench/ceiling?bytes={size}", args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=1000)
    parser.add_argument(
        "--exercises-large",
        type=int,
        default=100_000,
        help="the large catalogue (0 leaves it out)",
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
        help="count every list in the database too (API_COUNT_CACHE_TIMEOUT=0)",
    )
    args = parser.parse_args()
    serving.wrk_check()
    # "Uncached": the response cache is off; the count cache stays as deployed unless
    # --no-count-cache turns it off as well.
    uncached = {"API_COUNT_CACHE_TIMEOUT": "0"} if args.no_count_cache else {}
    started = time.monotonic()

    print("machine:")
    serving.print_machine(serving.machine())
    serving.ensure_catalogue(args.exercises)
    if args.exercises_large:
        serving.ensure_catalogue(args.exercises_large)

    rows = []  # (scenario, catalogue, result, ceiling result)
    print(f"\n{args.exercises} exercises, server response cache on:")
    with serving.serving(args.exercises) as server:
        headers, body = serving.get_ok(server, LIST)
        size, etag = len(body), headers["ETag"]
        status = server.get(LIST, {"If-None-Match": etag}).status
        if status != 304:
            raise SystemExit(f"If-None-Match with the list's ETag answered {status}")
        print(f"  list: {size} bytes, ETag {etag}")
        top = ceiling(server, size, args)
        rows.append(
            ("cached list", args.exercises, load(server, "cached", LIST, args), top)
        )
        rows.append(
            (
                "304 list",
                args.exercises,
                load(server, "304", LIST, args, headers=[f"If-None-Match: {etag}"]),
                top,
            )
        )

    counts = "off" if args.no_count_cache else "on"
    print(f"\n{args.exercises} exercises, response cache off, count cache {counts}:")
    small = {}
    with serving.serving(
        args.exercises, response_cache=False, extra_env=uncached
    ) as server:
        for path in (DETAIL, COMBINED, SUGGEST):
            serving.get_ok(server, path)
        top = ceiling(server, size, args)
        for name, path in (
            ("uncached list", LIST),
            ("detail", DETAIL),
            ("combined filter", COMBINED),
            ("routine suggestion", SUGGEST),
        ):
            small[name] = load(server, name, path, args)
            rows.append((name, args.exercises, small[name], top))

    large = {}
    if args.exercises_large:
        print(
            f"\n{args.exercises_large} exercises, response cache off,"
            f" count cache {counts}:"
        )
        with serving.serving(
            args.exercises_large,
            response_cache=False,
            extra_env=uncached,
        ) as server:
            _, body = serving.get_ok(server, LIST)
            top = ceiling(server, len(body), args)
            for name, path in (("uncached list", LIST), ("combined filter", COMBINED)):
                large[name] = load(server, name, path, args)
                rows.append((name, args.exercises_large, large[name], top))

    print(
        "\n| Scenario | Exercises | req/s | p50 ms | p99 ms | req/s ÷ ceiling |"
        " p50 × ceiling | Errors |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    printed_ceilings = set()
    for name, count, result, top in rows:
        if id(top) not in printed_ceilings:
            printed_ceilings.add(id(top))
            print(
                f"| ceiling ({top['path'].split('=')[1]} bytes) | {count} |"
                f" {top['rps']:.0f} | {top['p50']:.2f} | {top['p99']:.2f} | 1 | 1 |"
                f" {top['errors']} |"
            )
        print(
            f"| {name} | {count} | {result['rps']:.0f} | {result['p50']:.2f} |"
            f" {result['p99']:.2f} | {result['rps'] / top['rps']:.2f} |"
            f" {result['p50'] / top['p50']:.1f} | {result['errors']} |"
        )

    print("\nTargets:")
    missed = 0
    for name, count, result, top in rows:
        if name in TARGETS and count == args.exercises:
            ratio = result["rps"] / top["rps"]
            met = ratio >= TARGETS[name]
            missed += not met
            print(
                f"  {name}: {ratio:.2f} of the ceiling's req/s"
                f" (target ≥ {TARGETS[name]}): {'met' if met else 'MISSED'}"
            )
    for name, result in large.items():
        factor = result["p50"] / small[name]["p50"]
        met = factor <= LARGE_P50_FACTOR
        missed += not met and name == "uncached list"
        print(
            f"  {name} p50 on {args.exercises_large} ÷ on {args.exercises}:"
            f" {factor:.2f} (target ≤ {LARGE_P50_FACTOR}"
            f"{'' if name == 'uncached list' else ', reported only'}):"
            f" {'met' if met else 'MISSED'}"
        )
    errors = sum(row[2]["errors"] + row[3]["errors"] for row in rows)
    print(f"  errors: {errors}")
    print(f"\ndone in {time.monotonic() - started:.0f} s")
    return 1 if missed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
