"""``TrashResponseDto``: how many assets an empty or restore touched."""

from __future__ import annotations

from albumen.dto.base import Dto


class TrashResponseDto(Dto):
    count: int
