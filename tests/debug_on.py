"""Pytest plugin (`-p tests.debug_on` in pyproject's addopts): the tests run the development
configuration, turned on here because pytest-django loads the settings before any conftest.

Worker and benchmark processes the tests start inherit it with the environment.
"""

import os

os.environ["DJANGO_DEBUG"] = "1"
