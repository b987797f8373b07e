"""Sending media files as Immich does: streamed, with HTTP Range, ETag/304 and Content-Disposition."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse

from albumen.dto.assets import AssetMediaSize
from albumen.services.asset_media import MediaFile, MediaRedirect

#: What JavaScript's ``encodeURIComponent`` leaves as it is, besides letters and digits.
_URI_COMPONENT_SAFE = "-_.!~*'()"


def content_disposition(kind: str, file_name: str) -> str:
    """``inline; filename*=UTF-8''<name>``: RFC 5987, so any file name (accents, CJK) survives."""
    return f"{kind}; filename*=UTF-8''{quote(file_name, safe=_URI_COMPONENT_SAFE)}"


def file_response(request: Request, media: MediaFile) -> Response:
    """Stream ``media`` (Starlette's ``FileResponse`` answers ``Range``/``If-Range`` with 206 or 416),
    or 304 when the client already holds this version (``If-None-Match``)."""
    headers = {"Cache-Control": media.cache_control, "ETag": media.etag}
    if _matches(request.headers.get("if-none-match"), media.etag):
        return Response(status_code=304, headers=headers)
    if media.file_name:
        headers["Content-Disposition"] = content_disposition("inline", media.file_name)
    return FileResponse(media.path, headers=headers, media_type=media.content_type, stat_result=media.stat)


def media_response(request: Request, media: MediaFile | MediaRedirect) -> Response:
    """A file, or Immich's redirect of a thumbnail request to the original or to another size."""
    if isinstance(media, MediaFile):
        return file_response(request, media)
    params = [(key, value) for key, value in request.query_params.multi_items() if key != "size"]
    path = request.url.path
    if media.size is AssetMediaSize.ORIGINAL:
        path = path.removesuffix("/thumbnail") + "/original"
    else:
        params.append(("size", media.size.value))
    query = f"?{urlencode(params)}" if params else ""
    return RedirectResponse(f"{path}{query}", status_code=302)


def attachment_stream(chunks: Iterator[bytes], *, file_name: str, size: int) -> StreamingResponse:
    """A generated download (a ZIP): iterated in a worker thread as the client reads it."""
    headers = {
        "Content-Length": str(size),
        "Content-Disposition": content_disposition("attachment", file_name),
        "Cache-Control": "private, no-cache, no-transform",
    }
    return StreamingResponse(chunks, media_type="application/octet-stream", headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags
