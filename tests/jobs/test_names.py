"""Queue and job names are Immich 3.2.2's, and every job has a queue."""

from __future__ import annotations

import json

from albumen.jobs import JOB_QUEUE, QUEUE_START_JOB, JobName, QueueCommand, QueueJobStatus, QueueName
from albumen.jobs.names import DEFAULT_CONCURRENCY, FIXED_CONCURRENCY_QUEUES
from albumen.jobs.worker import queue_concurrency
from tests.conftest import SHARED

DTOS = json.loads((SHARED / "immich-api" / "dto-3.2.2.json").read_text())


def test_enums_match_immich_3_2_2() -> None:
    enums = DTOS["enums"]
    assert [queue.value for queue in QueueName] == enums["QueueName"]
    assert [name.value for name in JobName] == enums["JobName"]
    assert [command.value for command in QueueCommand] == enums["QueueCommand"]
    assert {status.value for status in QueueJobStatus} == set(enums["QueueJobStatus"])


def test_every_job_has_a_queue_and_every_start_job_lives_on_its_queue() -> None:
    assert set(JOB_QUEUE) == set(JobName)
    assert JOB_QUEUE[JobName.ASSET_EXTRACT_METADATA] == QueueName.METADATA_EXTRACTION
    assert JOB_QUEUE[JobName.PERSON_GENERATE_THUMBNAIL] == QueueName.THUMBNAIL_GENERATION
    assert all(JOB_QUEUE[job] == queue for queue, job in QUEUE_START_JOB.items())


def test_configurable_queues_are_those_of_the_admin_config() -> None:
    configurable = set(DTOS["types"]["AdminConfigJobDto"])
    assert configurable == {queue.value for queue in QueueName} - FIXED_CONCURRENCY_QUEUES
    assert set(DEFAULT_CONCURRENCY) == set(QueueName)


def test_concurrency_comes_from_the_job_config_section_with_defaults() -> None:
    config = {"thumbnailGeneration": {"concurrency": 8}, "videoConversion": {"concurrency": 0}, "ocr": {}}
    assert queue_concurrency(config, QueueName.THUMBNAIL_GENERATION) == 8
    assert queue_concurrency(config, QueueName.VIDEO_CONVERSION) == 1
    assert queue_concurrency(config, QueueName.OCR) == 1
    assert queue_concurrency({}, QueueName.METADATA_EXTRACTION) == 5
