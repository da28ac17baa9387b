"""The classification scheme is edited in the admin by superusers only (provinces publish their own)."""

from django.contrib.auth import get_user_model

from archive.models import ArchiveCategory


def test_a_superuser_edits_a_category_in_the_admin(client, db):
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    category = ArchiveCategory.objects.get(level="household", code="HF")
    client.force_login(admin)
    assert client.get(f"/admin/archive/archivecategory/{category.pk}/change/").status_code == 200


def test_staff_who_are_not_superusers_cannot_see_the_scheme(client, officials):
    category = ArchiveCategory.objects.get(level="household", code="HF")
    client.force_login(officials["county_office"])
    assert client.get(f"/admin/archive/archivecategory/{category.pk}/change/").status_code in (302, 403)


def test_a_superuser_reads_export_jobs_in_the_admin_and_changes_nothing(client, db):
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(admin)
    assert client.get("/admin/archive/exportjob/").status_code == 200
    assert client.get("/admin/archive/exportjob/add/").status_code == 403
