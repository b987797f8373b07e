"""Perceptual hashes of the assets' thumbnails, for duplicate detection without a CLIP model."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from albumen.db.tables.base import Base


class AssetPhash(Base):
    """``hash`` is the 64-bit pHash; ``band0..band3`` its 16-bit quarters, each indexed, so neighbours
    are found by equality lookups (see ``albumen.media.phash``)."""

    __tablename__ = "asset_phash"
    __table_args__ = tuple(Index(f"ix_asset_phash_band{index}", f"band{index}") for index in range(4))

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, nullable=False)
    band0: Mapped[int] = mapped_column(Integer, nullable=False)
    band1: Mapped[int] = mapped_column(Integer, nullable=False)
    band2: Mapped[int] = mapped_column(Integer, nullable=False)
    band3: Mapped[int] = mapped_column(Integer, nullable=False)
