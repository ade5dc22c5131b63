"""Request parsers for the API: a body too large or too deep to parse safely is refused."""

from __future__ import annotations

import io
from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser

from search.list_matching import MAX_BYTES, TOO_LARGE
from web.limits import MAX_UPLOAD_BYTES, declared_length


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = TOO_LARGE
    default_code = "too_large"


def _refuse_if_declared_over(parser_context: Any, limit: int) -> None:
    request = (parser_context or {}).get("request")
    if request is not None and declared_length(request) > limit:
        raise BodyTooLarge()


class BoundedJSONParser(BaseParser):
    """JSON over the size limit is a 413 and JSON that nests too deeply a 400, read no further.

    Not a JSONParser subclass: DRF hands those `request.body`, which Django caps at
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, kept for forms) with a bare 400 page.
    """

    media_type = JSONParser.media_type

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        _refuse_if_declared_over(parser_context, MAX_BYTES)
        body = stream.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise BodyTooLarge()
        try:
            return JSONParser().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply: send a flat list of rows.") from None


class BoundedMultiPartParser(MultiPartParser):
    """An upload declared over the size limit is a 413 before any of it is read or stored."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        _refuse_if_declared_over(parser_context, MAX_UPLOAD_BYTES)
        return super().parse(stream, media_type, parser_context)
