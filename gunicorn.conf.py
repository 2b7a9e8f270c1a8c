"""Gunicorn settings; every value can be set from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are not recycled: a soak (bench/soak.py) shows their memory flat, and workers
# that all reach the same count together restart together, a latency spike under load.
# GUNICORN_MAX_REQUESTS=N turns recycling on, with a jitter of half N to stagger them.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 2
# The app writes one line per request with its id (clinic/logs.py), without the query
# string (the admin's search puts a patient's name there); gunicorn's own access log would
# repeat each line with it, so it is off unless GUNICORN_ACCESS_LOG=1 (tokens redacted).
logger_class = "clinic.log_redaction.GunicornLogger"
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "0") == "1" else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "clinic.wsgi:application"


def post_worker_init(worker):
    """Let the worker see its listen queue, to shed load when it overflows."""
    from clinic.overload import watch

    watch(worker.sockets)
