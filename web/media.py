"""Serving media files with HTTP range requests; only a public testimony's media is served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from testimonies.models import MediaAsset
from testimonies.storage import content_type

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The first byte range of a Range header as (start, end) inclusive; None if unusable."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


def _stream(handle: IO[bytes], length: int) -> Iterator[bytes]:
    with handle:
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk


@require_safe
def serve_media(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    asset = get_object_or_404(MediaAsset.objects.public().select_related("testimony"), pk=asset_id)
    path = Path(asset.file.path)
    if not path.is_file():
        raise Http404("The media file is missing from storage.")
    size = path.stat().st_size
    kind = content_type(path, asset.content_type)
    header = request.headers.get("Range")
    if header is None:
        response = FileResponse(path.open("rb"), content_type=kind)
        response["Accept-Ranges"] = "bytes"
        return response
    byte_range = parse_range(header, size)
    if byte_range is None:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    start, end = byte_range
    handle = path.open("rb")
    handle.seek(start)
    partial = StreamingHttpResponse(_stream(handle, end - start + 1), status=206, content_type=kind)
    partial["Content-Length"] = str(end - start + 1)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Accept-Ranges"] = "bytes"
    return partial
