"""The manager of the app's background jobs (Dash background callbacks: reading an uploaded
programme). A disk cache in the user cache folder by default: each job runs in a process forked
from the web worker. With TILTAKSKART_REDIS_URL, Celery with Redis as broker and result store:
the jobs run in Celery's workers, started beside the web server with the same settings::

    celery -A app.wsgi:celery_app worker --max-tasks-per-child 1

(one job per worker process: the limits a job sets on its process end with it).
"""

from __future__ import annotations

from typing import Any

from dash import CeleryManager, DiskcacheManager

from geo.settings import Settings

JOB_RESULTS_S = 3600  # how long a finished job's result is kept


def background_manager(settings: Settings) -> Any:
    """Dash's manager of background callbacks for these settings."""
    if settings.redis_url:
        from celery import Celery

        celery_app = Celery("tiltakskart", broker=settings.redis_url, backend=settings.redis_url)
        celery_app.conf.update(
            broker_connection_retry_on_startup=True,
            task_acks_late=False,
            result_expires=JOB_RESULTS_S,
        )
        return CeleryManager(celery_app, expire=JOB_RESULTS_S)
    import diskcache

    folder = settings.cache_dir / "jobber"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)), expire=JOB_RESULTS_S)


def celery_of(manager: Any) -> Any:
    """The Celery app behind a manager (None for the disk cache)."""
    return getattr(manager, "handle", None) if isinstance(manager, CeleryManager) else None
