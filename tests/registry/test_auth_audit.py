"""Who signed in, who failed, who changed a password: all in the audit log."""

from audit.models import AuditEvent
from tests.second_factor import sign_in


def test_sign_in_failure_and_sign_out_are_audit_events(cast, client):
    client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong-password"})
    sign_in(client, "clerk_a", "pw-for-tests-1")
    client.post("/accounts/logout/")
    events = list(AuditEvent.objects.filter(action__startswith="auth.").values_list("action", "actor_username"))
    assert events == [("auth.login_failed", ""), ("auth.login", "clerk_a"), ("auth.logout", "clerk_a")]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data == {"username": "clerk_a"}
    assert "wrong-password" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_changing_ones_password_is_an_audit_event(cast, client):
    sign_in(client, "clerk_a", "pw-for-tests-1")
    response = client.post("/accounts/password/", {
        "old_password": "pw-for-tests-1", "new_password1": "Xq7-relocate-2026", "new_password2": "Xq7-relocate-2026",
    })
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.actor_username == "clerk_a"
    assert "Xq7" not in str(event.data)
