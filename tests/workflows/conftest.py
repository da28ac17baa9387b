"""Helpers of the lifecycle tests: evidence uploads, extra officials, a household ready to walk."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from documents.evidence.services import ingest_evidence
from tests.conftest import make_official
from tests.factories import HouseholdFactory


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officials(cast, areas):
    """The cast plus the county bureaus the later stages need."""
    return {
        **cast,
        "natres": make_official("natres", "role_county_natural_resources", areas["county"]),
        "hrss": make_official("hrss", "role_county_hrss", areas["county"]),
    }


@pytest.fixture
def give(officials):
    """Upload evidence of the given kinds for a household's current stage (as the county office)."""

    def give(household, *kinds, actor=None, stage=None):
        household = type(household).objects.get(pk=household.pk)
        for kind in kinds:
            ingest_evidence(actor=actor or officials["county_office"], upload=upload(f"{kind}.png"),
                            stage=stage or household.stage, kind=kind, household=household)

    return give


@pytest.fixture
def household(areas):
    return HouseholdFactory(village=areas["village_a"])


def days_ago(n) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
