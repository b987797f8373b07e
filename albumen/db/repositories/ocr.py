"""Queries on the text found in photos (``asset_ocr``; searched through ``asset_filters.ocr_matches``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.tables import AssetOcr


@dataclass(frozen=True)
class OcrRow:
    """One line of text with its four corners, normalised to 0..1 of the preview."""

    text: str
    box: Sequence[float]
    box_score: float
    text_score: float


class OcrRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(self, asset_id: uuid.UUID, lines: Sequence[OcrRow]) -> None:
        await self.session.execute(delete(AssetOcr).where(AssetOcr.asset_id == asset_id))
        rows = [
            {
                "asset_id": asset_id,
                "x1": line.box[0],
                "y1": line.box[1],
                "x2": line.box[2],
                "y2": line.box[3],
                "x3": line.box[4],
                "y3": line.box[5],
                "x4": line.box[6],
                "y4": line.box[7],
                "box_score": line.box_score,
                "text_score": line.text_score,
                "text": line.text,
            }
            for line in lines
            if len(line.box) == 8
        ]
        if rows:
            await self.session.execute(insert(AssetOcr), rows)
