"""Gunicorn settings for production (see the README):

    gunicorn -c python:app.gunicorn_conf 'app.wsgi:server'

Flags on the command line override these (e.g. `--bind 0.0.0.0:8050 --workers 4`).

Why these values:
- Workers that read each request whole before a thread sees it (app/worker.py: gunicorn's
  threaded worker with the reading moved onto its poller, under header and body deadlines).
  gunicorn's own threaded worker gives a connection a thread at its first byte: 64 clients
  that send half a request and wait stopped a worker of 32 threads, 200 stopped the server.
  Here a stalled connection costs a socket until its deadline (5 s for the headers, 10 s more
  for the body); a thread is taken only by a request that has arrived.
- Connections per worker: as many as the process may open files (raised to the hard limit,
  at most 10 000), so that stalled ones do not fill the worker before their deadline.
- The programme (parsed, tagged, simplified shapes) is built once before forking
  (preload) and shared by the workers.
- Request line and header limits stay at gunicorn's defaults, stated here; the body limit
  (2 MB) is the Flask app's (app/guard.py), which answers 413 above it.
- Behind a reverse proxy (nginx, Caddy, a load balancer) that buffers whole requests, slow
  clients never reach gunicorn at all: that is the recommended setup on the open internet.
"""

from __future__ import annotations

import os
import resource

bind = "127.0.0.1:8050"
worker_class = "app.worker.BufferingWorker"
workers = min(4, max(2, (os.cpu_count() or 1)))
threads = 32  # requests answered at once per worker
preload_app = True


def _open_files() -> int:
    """Raise this process's open-file limit to the hard limit (at most 10 064); the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 10_064 if hard == resource.RLIM_INFINITY else min(hard, 10_064)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


worker_connections = max(100, min(10_000, _open_files() - 64))
timeout = 30  # seconds a worker may be silent before it is replaced
graceful_timeout = 20
keepalive = 5  # seconds an idle keep-alive connection is kept
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
control_socket_disable = True  # gunicorn 25+ opens one in $HOME, shared by every server there
accesslog = "-"
errorlog = "-"
