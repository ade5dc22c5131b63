"""Celery: the broker (serverless SQLite by default), queues and worker behaviour."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import VAR_DIR

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
if CELERY_BROKER_URL.split("://", 1)[0] not in {
    "sqla+sqlite",
    "sqla+postgresql",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "memory",
}:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r}: use redis://, amqp:// or sqla+sqlite:///."
    )
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "transcription.tasks.*": {"queue": "transcribe"},
    # Public copies with identity documents blurred: minutes of CPU per video, kept off the
    # default queue so the index outbox and takedown checks never wait behind them.
    "evidence.tasks.render_public_copy": {"queue": "video"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a job whose worker died once this many seconds pass without its ack; it
# must exceed the longest transcription, or a running job is handed to a second worker.
_visibility = env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": _visibility,
        # Sweep for abandoned jobs a few times per timeout (kombu's default is every 100 s).
        "unacked_restore_interval": min(60, max(1, _visibility // 4)),
        "unacked_restore_throttle": 1,
    }
    if CELERY_BROKER_URL.startswith(("redis", "rediss"))
    else {}
)

# Changes waiting in the index outbox (testimonies.IndexChange) are drained this often
# (seconds), besides right after each change and whenever a worker starts.
INDEX_OUTBOX_SECONDS = env_int("INDEX_OUTBOX_SECONDS", 10, minimum=1)

CELERY_BEAT_SCHEDULE = {
    # The takedown monitor: every platform copy is re-checked this often (hours).
    "check-sources": {
        "task": "testimonies.tasks.check_sources",
        "schedule": env_int("TAKEDOWN_CHECK_HOURS", 24, minimum=1) * 3600,
    },
    "drain-index-outbox": {
        "task": "search.tasks.drain_index",
        "schedule": INDEX_OUTBOX_SECONDS,
        # A tick nobody took in time is dropped, not piled up behind a stopped worker.
        "options": {"expires": INDEX_OUTBOX_SECONDS},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
