"""三员分立: the system, security and audit administrators each do their part and nothing else;
none of them reads a case or approves one; the superuser only installs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.duties import DutyRefused, appoint
from accounts.models import Duty
from audit.models import AuditEvent
from registry.scope import grants_of


def grant_url(area, user):
    return reverse("admin:registry_adminarea_permissions_manage_user", args=[area.pk, user.pk])


@pytest.mark.parametrize("duty", ["system", "security", "audit"])
def test_no_administrator_reads_or_acts_on_a_case(administrators, client_of, household_a, duty):
    client = client_of(administrators[duty])
    for url in (f"/households/{household_a.pk}/", f"/cases/{household_a.pk}/", "/households/", "/inbox/",
                "/archive/", "/supervision/log/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "三员" in response.content.decode()
    assert client.post(f"/cases/{household_a.pk}/", {"transition": "submit"}).status_code == 403
    api = client.get("/api/v1/households/")
    assert api.status_code == 403 and api.json()["code"] == "permission_denied"
    assert grants_of(administrators[duty]) == {}  # no post: no scope, no step of any flow


def test_an_administrator_lands_on_the_administration_page(administrators, client_of):
    response = client_of(administrators["security"]).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:administration")
    assert "第二因子与登录锁定" in response.content.decode()


def test_the_system_administrator_manages_accounts_and_areas_but_grants_nothing(administrators, client_of, areas):
    system = client_of(administrators["system"])
    assert system.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert system.get(reverse("admin:registry_adminarea_change", args=[areas["village_a"].pk])).status_code == 200
    # Grants are the security administrator's: not even to oneself.
    response = system.post(grant_url(areas["county"], administrators["system"]), {"permissions": ["role_county_office"]})
    assert response.status_code == 403
    assert system.get(reverse("admin:registry_adminarea_permissions", args=[areas["county"].pk])).status_code == 403
    assert grants_of(administrators["system"]) == {}
    # Nor through a post group, nor by making someone a superuser.
    assert system.get(reverse("admin:auth_group_changelist")).status_code == 403
    url = reverse("admin:auth_user_change", args=[administrators["security"].pk])
    response = system.post(url, {"username": "secadmin", "is_active": ""})
    assert response.status_code == 403  # an administrator's account is the superuser's to change
    assert get_user_model().objects.get(username="secadmin").is_active


def test_the_system_administrator_cannot_make_a_superuser(administrators, client_of, cast):
    system = client_of(administrators["system"])
    url = reverse("admin:auth_user_change", args=[cast["clerk_a"].pk])
    page = system.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page


def test_the_security_administrator_grants_posts_to_officials_only(administrators, client_of, areas, cast):
    security = client_of(administrators["security"])
    official = get_user_model().objects.create_user("new_clerk", password="pw-for-tests-1")
    response = security.post(grant_url(areas["village_b"], official), {"permissions": ["role_village_clerk"]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="area.grant_user", actor_username="secadmin").exists()
    for administrator in administrators.values():
        response = security.post(grant_url(areas["county"], administrator), {"permissions": ["role_county_office"]})
        assert response.status_code == 200 and "不得持有业务岗位" in response.content.decode()
        assert grants_of(administrator) == {}


def test_the_security_administrator_cannot_change_accounts(administrators, client_of, cast):
    security = client_of(administrators["security"])
    url = reverse("admin:auth_user_change", args=[cast["clerk_a"].pk])
    assert security.post(url, {"username": "renamed"}).status_code == 403
    assert security.get(reverse("admin:auth_user_add")).status_code == 403


def test_the_audit_administrator_reads_the_audit_log_and_writes_nothing(administrators, client_of, areas, cast):
    audit = client_of(administrators["audit"])
    assert audit.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    writes = [
        (reverse("admin:auth_user_change", args=[cast["clerk_a"].pk]), {"username": "x"}),
        (reverse("admin:auth_user_add"), {"username": "x", "password1": "Abc-defg-123", "password2": "Abc-defg-123"}),
        (grant_url(areas["county"], cast["clerk_a"]), {"permissions": ["role_county_office"]}),
        (reverse("admin:registry_adminarea_add"), {"code": "520999103000", "name": "新乡", "level": "township"}),
        (reverse("accounts:security_user", args=[cast["clerk_a"].pk]), {"action": "unlock"}),
        (reverse("accounts:backup_codes"), {}),
    ]
    before = AuditEvent.objects.exclude(action__startswith="auth.").count()
    for url, data in writes:
        status = audit.post(url, data).status_code
        assert status in (403, 405) or (url.endswith("backup-codes/") and status == 302), (url, status)
    # Renewing one's own backup codes is the only write, and it is the administrator's own credential.
    assert AuditEvent.objects.exclude(action__startswith="auth.").exclude(
        action="accounts.backup_codes_renewed").count() == before


def test_others_do_not_read_the_audit_log_in_the_admin(administrators, client_of):
    for who in ("system", "security"):
        assert client_of(administrators[who]).get(reverse("admin:audit_auditevent_changelist")).status_code == 403


def test_the_three_duties_are_three_people(administrators, installer):
    with pytest.raises(DutyRefused):
        appoint(administrators["system"], Duty.SECURITY, actor=installer)


def test_an_official_holding_a_post_cannot_be_made_an_administrator(cast, installer):
    with pytest.raises(DutyRefused, match="持有业务岗位"):
        appoint(cast["county_office"], Duty.AUDIT, actor=installer)


def test_the_superuser_installs_and_is_no_administrator(installer):
    with pytest.raises(DutyRefused, match="超级用户"):
        appoint(installer, Duty.SYSTEM, actor=installer)


def test_a_post_group_cannot_carry_an_administrator(administrators, areas, client_of):
    from django.contrib.auth.models import Group

    post = Group.objects.create(name="村A-村文书")
    assign_perm("registry.role_village_clerk", post, areas["village_a"])
    security = client_of(administrators["security"])
    response = security.post(reverse("admin:auth_group_change", args=[post.pk]),
                             {"name": post.name, "permissions": []})
    assert response.status_code in (200, 302)
    administrators["audit"].groups.add(post)
    url = reverse("admin:registry_adminarea_permissions_manage_group", args=[areas["village_b"].pk, post.pk])
    response = security.post(url, {"permissions": ["role_village_clerk"]})
    assert response.status_code == 200 and "不得持有业务岗位" in response.content.decode()
    from registry.models import AreaGroupGrant

    assert not AreaGroupGrant.objects.filter(group=post, content_object=areas["village_b"]).exists()


def test_the_installer_appoints_administrators_from_the_command_line(db):
    from django.core.management import CommandError, call_command

    user = get_user_model().objects.create_user("audit_officer", password="pw-for-tests-1")
    call_command("appoint_administrator", "audit_officer", "audit")
    assert user.administrator.duty == "audit"
    assert AuditEvent.objects.filter(action="accounts.duty_appointed", target_id=str(user.pk)).exists()
    with pytest.raises(CommandError, match="不同人员"):
        call_command("appoint_administrator", "audit_officer", "security")


def test_the_system_administrator_keeps_the_archive_scheme(administrators, client_of):
    assert client_of(administrators["system"]).get(reverse("admin:archive_archivecategory_changelist")).status_code == 200
    for who in ("security", "audit"):
        assert client_of(administrators[who]).get(reverse("admin:archive_archivecategory_changelist")).status_code == 403


def test_the_audit_administrator_reads_the_integrity_results(administrators, client_of):
    audit = client_of(administrators["audit"])
    for name in ("admin:supervision_integritycheck_changelist", "admin:archive_fourpropertiesrun_changelist"):
        assert audit.get(reverse(name)).status_code == 200
        assert client_of(administrators["system"]).get(reverse(name)).status_code == 403
    page = audit.get(reverse("accounts:administration")).content.decode()
    assert "完整性检查结果" in page and "档案分类方案" not in page
