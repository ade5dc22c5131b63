"""gunicorn's configuration, from the WEB_* settings (config/settings/web.py).

`gunicorn -c config/gunicorn.py config.wsgi` serves the archive; `make run` starts it so.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings

bind = [settings.WEB_BIND]
workers = settings.WEB_WORKERS
# Threads in each process: requests wait on Meilisearch and the database, not the CPU.
worker_class = "gthread"
threads = settings.WEB_THREADS
worker_connections = settings.WEB_WORKER_CONNECTIONS
timeout = settings.WEB_TIMEOUT
graceful_timeout = settings.WEB_GRACEFUL_TIMEOUT
keepalive = 5
# gunicorn 25+ opens a control socket in ~/.gunicorn by default; two servers would share it.
control_socket_disable = True
# Errors and start-up lines on stderr; requests are logged by the proxy in front.
errorlog = "-"
