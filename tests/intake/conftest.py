import pytest


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    """Each test keeps its uploaded lists in its own empty folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
