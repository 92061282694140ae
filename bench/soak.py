"""Soak: a steady load on every read endpoint for minutes (bench/README.md).

Usage (from the project root; `make soak` runs it):

    .venv/bin/python -m bench.soak [--minutes 5] [--response-cache]

Serves the 1,000-exercise catalogue with gunicorn (2 one-thread workers, debug off,
Redis) and has wrk rotate over the exercises (list with filters, search, pages and
detail), muscles, equipment, guidelines, routines (list, detail, suggestion), diagrams,
embed cards, oEmbed and the API root, plus conditional GETs (If-None-Match with each
URL's ETag, answered 304). Prints the request and error counts by status, and the memory
(RSS) of the gunicorn master and workers at the start, every 30 s and at the end.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import serving

COUNT = 1000

PATHS = [
    "/api",
    "/api/exercises",
    "/api/exercises?equipment=none",
    "/api/exercises?equipment=none&page=5",
    "/api/exercises?equipment=dumbbell,bench&ordering=-difficulty",
    "/api/exercises?available=dumbbell,bench,yoga-mat&muscle=glutes"
    "&difficulty=beginner,intermediate",
    "/api/exercises?available=none&max_difficulty=intermediate&page_size=50",
    "/api/exercises?muscle=hamstrings&role=primary&page=2",
    "/api/exercises?laterality=each_side,both&position=standing",
    "/api/exercises?search=glute%20bridge",
    "/api/exercises?updated_since=2020-01-01&ordering=-updated_at&page_size=10",
    "/api/exercises/glute-bridges",
    "/api/exercises/hip-thrust",
    "/api/exercises/synthetic-000123",
    "/api/exercises/synthetic-000777",
    "/api/exercises/glute-bridges/diagram.svg",
    "/api/exercises/synthetic-000123/diagram.svg",
    "/api/muscles",
    "/api/muscles?group=hamstrings",
    "/api/muscles/glutes",
    "/api/equipment",
    "/api/equipment/dumbbell",
    "/api/guidelines",
    "/api/routines",
    "/api/routines?available=none&max_difficulty=beginner",
    "/api/routines/suggest?available=none&count=2",
    "/api/routines/suggest?available=dumbbell,yoga-mat&difficulty=intermediate"
    "&muscle=glutes&count=3&seed=7",
    "/embed/exercises/glute-bridges",
    "/embed/exercises/synthetic-000456",
]

LUA = r"""
local requests = REQUESTS
local index = 0
counts = {}

function request()
  index = index % #requests + 1
  local item = requests[index]
  if item[2] then
    return wrk.format("GET", item[1], {["If-None-Match"] = item[2]})
  end
  return wrk.format("GET", item[1])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write("STATUS {" .. table.concat(parts, ", ") .. "}\n")
end
"""


def lua_string(text):
    return json.dumps(text)  # A JSON string is a valid Lua string for these URLs.


def urls(server):
    """Every soak request as (path, ETag or None), each checked once beforehand."""
    paths = list(PATHS)
    # oEmbed for a card on this very server.
    paths.append(f"/api/oembed?url={server.base}/embed/exercises/glute-bridges")
    paths.append(
        f"/api/oembed?url={server.base}/embed/exercises/hip-thrust&maxwidth=400"
    )
    paths.append("/api/routines/" + routine_slug(server))
    items = []
    for path in paths:
        headers, _ = serving.get_ok(server, path)
        items.append((path, None))
        etag = headers.get("ETag")
        if etag:
            status = server.get(path, {"If-None-Match": etag}).status
            if status != 304:
                raise SystemExit(f"If-None-Match on {path} answered {status}")
            items.append((path, etag))
    return items


def routine_slug(server):
    _, body = serving.get_ok(server, "/api/routines")
    return json.loads(body)["results"][0]["slug"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--response-cache",
        action="store_true",
        help="keep the server response cache on (off by default: every 200 renders)",
    )
    parser.add_argument("--sample", type=int, default=30, help="RSS every N seconds")
    args = parser.parse_args()
    serving.wrk_check()
    print("machine:")
    serving.print_machine(serving.machine())
    serving.ensure_catalogue(COUNT)

    cache = "on" if args.response_cache else "off"
    with serving.serving(COUNT, response_cache=args.response_cache) as server:
        items = urls(server)
        conditional = sum(1 for _, etag in items if etag)
        print(
            f"\n{len(items)} URLs in rotation ({conditional} conditional),"
            f" {args.connections} connections, response cache {cache},"
            f" {args.minutes:g} minutes"
        )
        body = ",\n".join(
            "  {" + lua_string(path) + (", " + lua_string(etag) if etag else "") + "}"
            for path, etag in items
        )
        script = LUA.replace("REQUESTS", "{\n" + body + "\n}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
            file.write(script)
        # One pass over every URL before the first memory reading.
        for path, etag in items:
            server.get(path, {"If-None-Match": etag} if etag else {})

        samples = []

        def sample(elapsed):
            sizes = serving.rss_kib(server)
            samples.append((elapsed, sizes))
            listing = ", ".join(
                f"{pid}: {kib / 1024:.1f}" for pid, kib in sizes.items()
            )
            print(
                f"  {elapsed:>5.0f} s  RSS {sum(sizes.values()) / 1024:7.1f} MiB"
                f"  ({listing})",
                flush=True,
            )

        seconds = round(args.minutes * 60)
        result = {}

        def load():
            result.update(
                serving.wrk(
                    server.base + "/api",
                    seconds=seconds,
                    connections=args.connections,
                    script=file.name,
                )
            )

        started = time.monotonic()
        sample(0)
        runner = threading.Thread(target=load)
        runner.start()
        while runner.is_alive():
            runner.join(timeout=args.sample)
            if runner.is_alive():
                sample(time.monotonic() - started)
        if time.monotonic() - started - samples[-1][0] > 1:
            sample(time.monotonic() - started)
        Path(file.name).unlink()

    statuses = {int(k): v for k, v in sorted(result.get("statuses", {}).items())}
    server_errors = sum(v for k, v in statuses.items() if k >= 500)
    client_errors = sum(v for k, v in statuses.items() if 400 <= k < 500)
    errors = server_errors + client_errors + result["socket_errors"]
    first, last = samples[0][1], samples[-1][1]
    print(f"\nrequests: {result['requests']} ({result['rps']:.0f}/s)")
    print(f"by status: {statuses}")
    print(
        f"errors: {errors} (5xx {server_errors}, unexpected 4xx {client_errors},"
        f" connection errors {result['socket_errors']})"
    )
    print(f"latency: p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms")
    print(
        f"RSS: {sum(first.values()) / 1024:.1f} MiB at the start,"
        f" {sum(last.values()) / 1024:.1f} MiB at the end"
        f" (same processes: {'yes' if first.keys() == last.keys() else 'NO'})"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
