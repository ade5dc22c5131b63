"""Settings: the base, then one module per topic; every value comes from the environment."""

from .base import *
from .celery import *
from .database import *
from .meilisearch import *
from .transcription import *
from .video import *
from .web import *
