"""The default admin config: Immich 3.2.2's defaults, section by section.

Only the differences from this document are stored, so when a new release changes a default, every
install that never touched that setting gets the new value.
"""

from __future__ import annotations

from typing import Any

from albumen.config import Settings

#: Cron expressions as Immich writes them (``@nestjs/schedule``'s ``CronExpression`` constants).
EVERY_DAY_AT_MIDNIGHT = "0 0 * * *"
EVERY_DAY_AT_2AM = "0 02 * * *"
EVERY_DAY_AT_3AM = "0 03 * * *"

JOB_CONCURRENCY = {
    "backgroundTask": 5,
    "smartSearch": 2,
    "metadataExtraction": 5,
    "faceDetection": 2,
    "search": 5,
    "sidecar": 5,
    "library": 5,
    "migration": 5,
    "thumbnailGeneration": 3,
    "videoConversion": 1,
    "notifications": 5,
    "ocr": 1,
    "workflow": 5,
    "integrityCheck": 1,
    "editor": 2,
}


def machine_learning_urls(settings: Settings) -> list[str]:
    """``IMMICH_MACHINE_LEARNING_URL`` may list several servers, comma-separated, tried in order.

    Unset, the default is the service ``albumen serve`` runs itself (Immich's default points at its
    ``immich-machine-learning`` container instead).
    """
    configured = [url.strip() for url in (settings.machine_learning_url or "").split(",") if url.strip()]
    return configured or [settings.local_machine_learning_url]


def build_defaults(settings: Settings) -> dict[str, Any]:
    """A fresh defaults document (camelCase keys, JSON values); the environment decides the ML parts."""
    return {
        "backup": {
            "database": {"enabled": True, "cronExpression": EVERY_DAY_AT_2AM, "keepLastAmount": 14},
        },
        "ffmpeg": {
            "crf": 23,
            "threads": 0,
            "preset": "ultrafast",
            "targetVideoCodec": "h264",
            "acceptedVideoCodecs": ["h264"],
            "targetAudioCodec": "aac",
            "acceptedAudioCodecs": ["aac", "mp3", "opus"],
            "acceptedContainers": ["mov", "ogg", "webm"],
            "targetResolution": "720",
            "maxBitrate": "0",
            "bframes": -1,
            "refs": 0,
            "gopSize": 0,
            "temporalAQ": False,
            "cqMode": "auto",
            "twoPass": False,
            "preferredHwDevice": "auto",
            "transcode": "required",
            "tonemap": "hable",
            "accel": "disabled",
            "accelDecode": True,
            "realtime": {"enabled": False, "videoCodecs": ["h264", "hevc"], "resolutions": [480, 720, 1080]},
        },
        "integrityChecks": {
            "missingFiles": {"enabled": True, "cronExpression": EVERY_DAY_AT_3AM},
            "untrackedFiles": {"enabled": True, "cronExpression": EVERY_DAY_AT_3AM},
            "checksumFiles": {
                "enabled": True,
                "cronExpression": EVERY_DAY_AT_3AM,
                "timeLimit": 60 * 60 * 1000,
                "percentageLimit": 1,
            },
        },
        "job": {queue: {"concurrency": concurrency} for queue, concurrency in JOB_CONCURRENCY.items()},
        "logging": {"enabled": True, "level": "log"},
        "machineLearning": {
            "enabled": settings.machine_learning_enabled,
            "urls": machine_learning_urls(settings),
            "availabilityChecks": {"enabled": True, "timeout": 2000, "interval": 30_000},
            "clip": {"enabled": True, "modelName": "ViT-B-32__openai"},
            "duplicateDetection": {"enabled": True, "maxDistance": 0.01},
            "facialRecognition": {
                "enabled": True,
                "modelName": "buffalo_l",
                "minScore": 0.7,
                "maxDistance": 0.5,
                "minFaces": 3,
            },
            "ocr": {
                "enabled": True,
                "modelName": "PP-OCRv5_mobile",
                "minDetectionScore": 0.5,
                "minRecognitionScore": 0.8,
                "maxResolution": 736,
            },
        },
        "map": {
            "enabled": True,
            "lightStyle": "https://tiles.immich.cloud/v1/style/light.json",
            "darkStyle": "https://tiles.immich.cloud/v1/style/dark.json",
        },
        "reverseGeocoding": {"enabled": True},
        "metadata": {"faces": {"import": False}},
        "oauth": {
            "accountManagementUrl": "",
            "autoLaunch": False,
            "autoRegister": True,
            "buttonText": "Login with OAuth",
            "clientId": "",
            "clientSecret": "",
            "defaultStorageQuota": None,
            "enabled": False,
            "issuerUrl": "",
            "endSessionEndpoint": "",
            "mobileOverrideEnabled": False,
            "mobileRedirectUri": "",
            "prompt": "",
            "scope": "openid email profile",
            "signingAlgorithm": "RS256",
            "profileSigningAlgorithm": "none",
            "storageLabelClaim": "preferred_username",
            "storageQuotaClaim": "immich_quota",
            "roleClaim": "immich_role",
            "tokenEndpointAuthMethod": "client_secret_post",
            "timeout": 30_000,
            "allowInsecureRequests": False,
        },
        "passwordLogin": {"enabled": True},
        "storageTemplate": {
            "enabled": False,
            "hashVerificationEnabled": True,
            "template": "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
        },
        "image": {
            "thumbnail": {"format": "webp", "size": 250, "quality": 80, "progressive": False},
            "preview": {"format": "jpeg", "size": 1440, "quality": 80, "progressive": False},
            "colorspace": "p3",
            "extractEmbedded": False,
            "fullsize": {"enabled": False, "format": "jpeg", "quality": 80, "progressive": False},
        },
        "newVersionCheck": {"enabled": True, "channel": "stable"},
        "nightlyTasks": {
            "startTime": "00:00",
            "databaseCleanup": True,
            "generateMemories": True,
            "syncQuotaUsage": True,
            "missingThumbnails": True,
            "clusterNewFaces": True,
        },
        "trash": {"enabled": True, "days": 30},
        "theme": {"customCss": ""},
        "library": {
            "scan": {"enabled": True, "cronExpression": EVERY_DAY_AT_MIDNIGHT},
            "watch": {"enabled": False},
        },
        "server": {"externalDomain": "", "loginPageMessage": "", "publicUsers": True},
        "notifications": {
            "smtp": {
                "enabled": False,
                "from": "",
                "replyTo": "",
                "transport": {
                    "ignoreCert": False,
                    "host": "",
                    "port": 587,
                    "secure": False,
                    "username": "",
                    "password": "",
                },
            },
        },
        "templates": {"email": {"welcomeTemplate": "", "albumInviteTemplate": "", "albumUpdateTemplate": ""}},
        "user": {"deleteDelay": 7},
    }
