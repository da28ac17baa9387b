"""Identity records of 等保 2.0 level 3 (GB/T 22239-2019, 8.1.4.1 身份鉴别 and 8.1.4.2 访问控制):
the password's age and history, the second factor's lockout, and the three administrators (三员).

The second factor's devices themselves are django-otp's (TOTPDevice, StaticDevice).
"""

from django.conf import settings
from django.db import models


class Duty(models.TextChoices):
    """三员分立: three administrators instead of one superuser, none of whom handles case data."""

    SYSTEM = "system", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"


class Administrator(models.Model):
    """A user's administrator duty. One duty per user (the three are different people), and an
    administrator holds no post (no case data, never an approval): accounts/duties.py keeps that."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="administrator",
                                verbose_name="用户")
    duty = models.CharField("职责", max_length=16, choices=Duty.choices)
    appointed_at = models.DateTimeField("任命时间", auto_now_add=True)

    class Meta:
        verbose_name = "三员（管理员职责）"
        verbose_name_plural = "三员（管理员职责）"
        permissions = [
            # What each duty may do (accounts/duties.py maps duties onto these).
            ("manage_officials", "管理用户账号与行政区划"),
            ("manage_configuration", "维护业务配置（档案分类方案等）"),
            ("manage_grants", "授予与撤销岗位"),
            ("reset_second_factor", "重置第二因子、解除锁定"),
            ("read_audit_log", "查阅审计日志与完整性检查结果"),
        ]

    def __str__(self):
        return f"{self.get_duty_display()}：{self.user.get_username()}"


class AccountSecurity(models.Model):
    """Per-user state of the password and second-factor policies (created on first need)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security",
                                verbose_name="用户")
    # An initial password (set by an administrator) must be changed by its owner at first sign-in.
    must_change_password = models.BooleanField("须修改初始密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Consecutive wrong second-factor codes, and the lock they caused (lifted by time or by the
    # security administrator).
    second_factor_failures = models.PositiveIntegerField("第二因子连续失败次数", default=0)
    second_factor_locked_until = models.DateTimeField("第二因子锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "账号安全状态"
        verbose_name_plural = "账号安全状态"

    def __str__(self):
        return str(self.user)




class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (never the passwords): no reuse of the last N."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]
