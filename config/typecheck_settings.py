"""The settings mypy's Django plugin loads (pyproject [tool.django-stubs]): the development
configuration, so type checking needs no environment. Never used to serve."""

import os

os.environ["DJANGO_DEBUG"] = "1"

from config.settings import *  # noqa: F403
