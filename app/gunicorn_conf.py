"""Gunicorn settings for production (see the README):

    gunicorn -c python:app.gunicorn_conf 'app.wsgi:server'

Flags on the command line override these (e.g. `--bind 0.0.0.0:8050 --workers 4`).

Why these values:
- Threaded workers (gthread): a sync worker serves one connection at a time, so a few clients
  that connect and then send slowly (a phone on a bad network, or on purpose) block every
  request until the worker timeout kills them. Each thread here waits on one connection while
  the others answer; idle keep-alive connections wait in a poller and hold no thread.
- The programme (parsed, tagged, simplified shapes) is built once before forking
  (preload) and shared by the workers.
- Request line and header limits stay at gunicorn's defaults, stated here; the body limit
  (2 MB) is the Flask app's (app/guard.py), which answers 413 above it.
- Behind a reverse proxy (nginx, Caddy, a load balancer) that buffers whole requests, slow
  clients never reach gunicorn at all: that is the recommended setup on the open internet.
"""

from __future__ import annotations

import os

bind = "127.0.0.1:8050"
worker_class = "gthread"
workers = min(4, max(2, (os.cpu_count() or 1)))
threads = 32  # connections served at once per worker (a stalled one holds a thread)
preload_app = True
timeout = 30  # seconds a worker may be silent before it is replaced
graceful_timeout = 20
keepalive = 5  # seconds an idle keep-alive connection is kept
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
