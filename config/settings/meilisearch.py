"""Meilisearch: server URL, key, index prefix and task timeouts."""

from config.env import env_float, env_str, env_url

from .base import DEBUG

MEILI_URL = env_url("MEILI_URL", "http://127.0.0.1:7700", schemes=("http", "https"))
# Secrets have no production default: with DEBUG off the key must be set.
MEILI_MASTER_KEY = env_str(
    "MEILI_MASTER_KEY", "dev-master-key-change-me-0123456789" if DEBUG else None
)
# Lets tests, staging and production share one server without sharing indexes.
MEILI_INDEX_PREFIX = env_str("MEILI_INDEX_PREFIX", "archive")
MEILI_TASK_TIMEOUT = env_float("MEILI_TASK_TIMEOUT", 120.0, minimum=1.0)
MEILI_REQUEST_TIMEOUT = env_float("MEILI_REQUEST_TIMEOUT", 10.0, minimum=0.5)
# A visitor's query (page, API) waits this long (whole seconds, at least 1); indexing keeps
# MEILI_REQUEST_TIMEOUT. After a query finds Meilisearch unreachable, the process answers
# "search is unavailable" at once for MEILI_SEARCH_RETRY_AFTER seconds while one query at a
# time tries again, so a hung server does not hold every web thread for the whole timeout.
MEILI_SEARCH_TIMEOUT = env_float("MEILI_SEARCH_TIMEOUT", 2.0, minimum=0.5)
MEILI_SEARCH_RETRY_AFTER = env_float("MEILI_SEARCH_RETRY_AFTER", 1.0, minimum=0.0)
