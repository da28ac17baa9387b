"""Fixtures of the documents tests: an archive storage of their own per test, and households
with known names and ID numbers to look for in the PDFs."""

import io

import pytest
from pypdf import PdfReader

from registry.models import Relation
from tests.factories import HouseholdFactory, MemberFactory, make_id_number

# AreaScopeBackend answers permissions only; a session must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return as_user


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    """Every test writes its PDFs and evidence into its own empty folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_PUBLIC_BASE_URL = "https://reloc.example.gov.cn"
    return settings.MEDIA_ROOT


def make_family(village, *, head_name="张建国", size=3, head_id=None):
    household = HouseholdFactory(village=village, head=False, contact_phone="13812345678")
    head_id = head_id or make_id_number(birth="19700315")
    MemberFactory(household=household, name=head_name, id_number=head_id, relation=Relation.HEAD)
    for i in range(size - 1):
        MemberFactory(household=household, name=f"{head_name[0]}小{'一二三四五六七八'[i]}",
                      relation=Relation.CHILD, id_number=make_id_number(birth="20050101"))
    return household


@pytest.fixture
def family_a(areas):
    return make_family(areas["village_a"])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_bytes(version) -> bytes:
    from documents.storage import open_stored

    with open_stored(version.storage_name) as f:
        return f.read()

