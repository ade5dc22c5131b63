"""Django-free: public copies of videos with identity documents blurred in the picture."""

from evidence.blurring.errors import BlurError, NotVideoError, NoVideoStreamError
from evidence.blurring.ocr import TextReader
from evidence.blurring.scan import (
    DETECTOR,
    DETECTOR_VERSION,
    Options,
    blur_video,
    detector_info,
    find_regions,
    render_copy,
)
from evidence.blurring.schema import Box, Region, Report

__all__ = [
    "DETECTOR",
    "DETECTOR_VERSION",
    "BlurError",
    "Box",
    "NoVideoStreamError",
    "NotVideoError",
    "Options",
    "Region",
    "Report",
    "TextReader",
    "blur_video",
    "detector_info",
    "find_regions",
    "render_copy",
]
