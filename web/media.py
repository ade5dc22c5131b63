"""Serving media files with HTTP range requests; only a public testimony's media is served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from testimonies.models import MediaAsset
from testimonies.storage import content_type

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
# What browsers play in <audio> and <video>: served inline under its own type. Editors can set
# any file and type, so anything else is a download that never renders from this origin.
PLAYABLE = frozenset(
    {
        "audio/aac",
        "audio/flac",
        "audio/mp4",
        "audio/mpeg",
        "audio/ogg",
        "audio/opus",
        "audio/wav",
        "audio/wave",
        "audio/webm",
        "audio/x-flac",
        "audio/x-m4a",
        "audio/x-wav",
        "video/mp4",
        "video/mpeg",
        "video/ogg",
        "video/quicktime",
        "video/webm",
        "video/x-matroska",
    }
)
DOWNLOAD = "application/octet-stream"


def playable_type(path: Path, stored: str) -> str | None:
    """The file's type if browsers play it (parameters dropped), else None."""
    kind = content_type(path, stored).split(";", 1)[0].strip().lower()
    return kind if kind in PLAYABLE else None


def _protect(response: HttpResponseBase, path: Path, playable: bool) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    if not playable:
        response["Content-Disposition"] = content_disposition_header(True, path.name)
    return response


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
    # The policy: the public never gets an original video, only copies with identity
    # documents blurred and sound; researchers and editors get the originals.
    asset = get_object_or_404(
        MediaAsset.objects.servable_to(request.user).select_related("testimony"), pk=asset_id
    )
    return send_asset(request, asset)


def send_asset(request: HttpRequest, asset: MediaAsset) -> HttpResponseBase:
    """The file, whole or the range asked for; the caller decided the account may have it."""
    path = Path(asset.file.path)
    if not path.is_file():
        raise Http404("The media file is missing from storage.")
    size = path.stat().st_size
    playable = playable_type(path, asset.content_type)
    kind = playable or DOWNLOAD
    header = request.headers.get("Range")
    if header is None:
        response = FileResponse(path.open("rb"), content_type=kind)
        response["Accept-Ranges"] = "bytes"
        return _private(request, _protect(response, path, playable is not None))
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
    return _private(request, _protect(partial, path, playable is not None))


def _private(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A file served because of who asked (an original to a researcher) stays out of shared
    caches, which would hand it to the next visitor."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Cookie", "Authorization"))
    return response
