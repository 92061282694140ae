"""The bare ceiling: a WSGI application answering N bytes, without Django.

Served by the benchmark on the service's own gunicorn configuration (gunicorn.conf.py:
the same worker class, threads and settings; only the application differs), it
answers ``?bytes=N`` with the same bytes as ``/bench/ceiling?bytes=N`` (bench/ceiling.py)
on any path, ``/healthz`` included, so that the server helper sees it ready. What a
request costs the server and the worker itself, with no framework at all.
"""

from urllib.parse import parse_qs

# A bound, so that the ceilings cannot be made to allocate without limit.
MAX_BYTES = 1_000_000


def application(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        size = min(max(int(query.get("bytes", ["0"])[0]), 0), MAX_BYTES)
    except ValueError:
        size = 0
    body = b"x" * size
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(size))],
    )
    return [body]
