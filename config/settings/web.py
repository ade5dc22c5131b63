"""The application server (gunicorn, config/gunicorn.py): address, processes, threads, timeouts."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

from .base import VAR_DIR


def _cores() -> int:
    # The cores this process may run on (a container's or taskset's share), not the host's.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# host:port, or unix:/path/to.sock behind a proxy on the same machine.
WEB_BIND = env_str("WEB_BIND", "127.0.0.1:8000")
# One process per core (at least 2, so a killed or busy process never stops the site), each
# with a few threads: a request mostly waits on Meilisearch or the database.
WEB_WORKERS = env_int("WEB_WORKERS", max(2, _cores()), minimum=1)
WEB_THREADS = env_int("WEB_THREADS", 4, minimum=1)
# Connections one process holds at once: those its threads serve, those waiting for a free
# thread, and idle kept-alive ones. Few, so that waiting connections stay in the listening
# socket's queue, which every process takes from: a process that dies (SIGKILL, out of
# memory) then loses only the requests it was serving, not hundreds it had taken in.
WEB_WORKER_CONNECTIONS = env_int("WEB_WORKER_CONNECTIONS", 2 * WEB_THREADS, minimum=1)
# A process that answers nothing for this long is killed and replaced.
WEB_TIMEOUT = env_int("WEB_TIMEOUT", 30, minimum=1)
# On stop or reload, requests in flight get this long to finish.
WEB_GRACEFUL_TIMEOUT = env_int("WEB_GRACEFUL_TIMEOUT", 10, minimum=1)

# Rate limits (the API's throttles) and login lockouts count in the cache, which every web
# process must share, or each of N processes allows the full rate. One machine: files under
# the var directory (no server). Several web hosts: one Redis, CACHE_URL=redis://host:6379/1.
CACHE_URL = env_str("CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "archive",
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} is not a Redis address; give redis://host:port/db, or leave "
        "it empty for a cache in files under the var directory (one machine)."
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
