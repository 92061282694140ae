"""gunicorn settings for production, read from the environment (README "Production")."""

import multiprocessing
import os

wsgi_app = "hipext.wsgi:application"

# Production settings come from the environment alone: never the development .env that
# `make run` writes (hipext/settings.py), even in a checkout that has one.
os.environ["HIPEXT_ENV_FILE"] = ""

# GUNICORN_BIND wins; otherwise every interface on PORT (the usual platform convention).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Threaded workers that read each request in full in their event loop before a thread
# serves it (hipext/http/worker.py): a slow client costs a socket, never a thread.
worker_class = "hipext.http.worker.BufferingThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or os.environ.get("GUNICORN_WORKERS")
    or multiprocessing.cpu_count() * 2 + 1
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
# Behind a load balancer that keeps connections open.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Access and error logs on stdout/stderr, for the platform's log collector;
# GUNICORN_ACCESS_LOG= (empty) turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(L)ss "%(a)s"'

# Addresses of the proxies allowed to say a request came over HTTPS (README "Behind a
# proxy"): none unless the deployment names them, since a client that reaches gunicorn
# directly (or through a proxy that passes the header on) could claim HTTPS itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
# Only X-Forwarded-Proto, which every proxy sets; gunicorn's default also takes
# X-Forwarded-Ssl and X-Forwarded-Protocol, which a proxy that sets only -Proto passes
# through from the client. None at all without named proxies: gunicorn trusts every
# peer of a UNIX socket, whatever forwarded_allow_ips says.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if forwarded_allow_ips else {}

# No runtime control socket: nothing uses it, and several instances on one host would
# share its default path.
control_socket_disable = True
