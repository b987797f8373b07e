"""Non-destructive edits (Immich 3.x ``AssetEdit*Dto``, Beta): crop, rotate and mirror, stored in order."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from albumen.db.tables import AssetEdit
from albumen.dto.base import Dto, RequestDto


class AssetEditAction(StrEnum):
    CROP = "crop"
    ROTATE = "rotate"
    MIRROR = "mirror"


class MirrorAxis(StrEnum):
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


class CropParameters(RequestDto):
    x: float = Field(ge=0)
    y: float = Field(ge=0)
    width: float = Field(gt=0)
    height: float = Field(gt=0)


class RotateParameters(RequestDto):
    angle: float


class MirrorParameters(RequestDto):
    axis: MirrorAxis


_PARAMETERS: dict[AssetEditAction, type[RequestDto]] = {
    AssetEditAction.CROP: CropParameters,
    AssetEditAction.ROTATE: RotateParameters,
    AssetEditAction.MIRROR: MirrorParameters,
}


class AssetEditActionItemDto(RequestDto):
    action: AssetEditAction
    parameters: dict[str, Any]

    @model_validator(mode="after")
    def _parameters_match_action(self) -> AssetEditActionItemDto:
        """The parameters' shape depends on the action; keep only the fields that action has."""
        model = _PARAMETERS[self.action]
        self.parameters = model.model_validate(self.parameters).model_dump(mode="json")
        return self


class AssetEditsCreateDto(RequestDto):
    edits: list[AssetEditActionItemDto] = Field(min_length=1)


class AssetEditActionItemResponseDto(Dto):
    id: str
    action: AssetEditAction
    parameters: dict[str, Any]


class AssetEditsResponseDto(Dto):
    assetId: str
    edits: list[AssetEditActionItemResponseDto]


def to_edits_dto(asset_id: str, edits: list[AssetEdit]) -> AssetEditsResponseDto:
    return AssetEditsResponseDto(
        assetId=asset_id,
        edits=[
            AssetEditActionItemResponseDto(
                id=str(edit.id), action=AssetEditAction(edit.action), parameters=edit.parameters
            )
            for edit in edits
        ],
    )
