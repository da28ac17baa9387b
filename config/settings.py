"""Settings, all read from the environment (django-environ).

Embedded defaults run one county office on one machine: SQLite, local files, Celery eager.
A province sets DATABASE_URL (PostgreSQL), REDIS_URL (Celery workers) and the S3 variables.
Every variable is listed in the README.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

# Development keys are public knowledge (they are in this file): only DEBUG may use them.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY 未设置：生产环境必须通过环境变量提供 SECRET_KEY。")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "viewflow",
    "viewflow.workflow",
    "audit",
    "registry",
    "documents",
    "workflows",
    "supervision",
    "approvals",
    "archive",
    "aftercare",
    "intake",
    "monitoring",
    "notifications",
    "public",
    # After registry: its admin hands registry's user, group and area pages to the three
    # administrators (accounts/admin.py re-registers them).
    "accounts",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Second factor, idle timeout, forced password change, administrators kept to their pages.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 = one per request, the default): on PostgreSQL behind gunicorn,
# 60 measured +33 % mixed throughput (issue 18). The health check drops a connection the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("POSTGRES_JIT", default=False):
    # PostgreSQL's JIT compiles a statement it estimates costly: 0.8 s of compiling for a 0.3 s
    # count was measured (issue 18). Web requests run short statements; JIT off unless asked for.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (server + commands) share one file: wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Area grants answer object questions by area-code prefix (registry/scope.py).
    "registry.scope.AreaScopeBackend",
    # The three administrators' duties as permissions (accounts/duties.py).
    "accounts.duties.DutyBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guardian's own backend matches exact objects only; a county grant must cover its villages,
# so our prefix backend replaces it on purpose (docs/architecture.md decision 1).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
GUARDIAN_USER_OBJ_PERMS_MODEL = "registry.AreaUserGrant"
GUARDIAN_GROUP_OBJ_PERMS_MODEL = "registry.AreaGroupGrant"
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 level 3 (accounts/passwords.py): three of four character classes, no reuse of the last N.
    {"NAME": "accounts.passwords.CharacterClassesValidator",
     "OPTIONS": {"min_classes": env.int("ACCOUNTS_PASSWORD_MIN_CLASSES", default=3)}},
    {"NAME": "accounts.passwords.SequenceValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator",
     "OPTIONS": {"count": env.int("ACCOUNTS_PASSWORD_HISTORY", default=5)}},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))  # collectstatic's output
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"  # files are served only through scoped views

# Local files by default; S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set.
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: workers on Redis when REDIS_URL is set, otherwise tasks run inline (eager).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# The cache holds the API's throttle counts (and anything else cached): shared by every worker
# through Redis when REDIS_URL is set (same server as Celery); per process in memory otherwise.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="reloc"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Encryption at rest of ID numbers (docs/architecture.md decision 8).
# IDNUMBER_KEYS: "kid:hex32,kid2:hex32" (16-byte SM4 keys); the first one encrypts new values.
# IDNUMBER_INDEX_KEY: hex key of the HMAC-SM3 blind index (never rotated without a re-index).
_DEV_ID_KEYS = "dev1:000102030405060708090a0b0c0d0e0f"
_DEV_INDEX_KEY = "6465762d626c696e642d696e6465782d6b65792d6f6e6c79"
IDNUMBER_KEYS = env.str("IDNUMBER_KEYS", default=_DEV_ID_KEYS if DEBUG else "")
IDNUMBER_INDEX_KEY = env.str("IDNUMBER_INDEX_KEY", default=_DEV_INDEX_KEY if DEBUG else "")
if not IDNUMBER_KEYS or not IDNUMBER_INDEX_KEY:
    raise environ.ImproperlyConfigured(
        "IDNUMBER_KEYS / IDNUMBER_INDEX_KEY 未设置：生产环境必须提供身份证号加密密钥（见 README）。"
    )

# The audit chain is keyed (issue 15): each event's hash is HMAC-SM3 under a key the database
# administrator does not hold, named by its key id in the event. AUDIT_CHAIN_KEYS: "kid:hex,kid2:hex"
# (at least 16 bytes each); the first one keys new events and signs checkpoints, all verify (rotation:
# put the new key first, keep the old ones). Checkpoints of the chain head are files in the archive
# storage (audit/checkpoints.py).
_DEV_AUDIT_KEYS = "devaudit1:6465762d61756469742d636861696e2d6b65792d6f6e6c79"
AUDIT_CHAIN_KEYS = env.str("AUDIT_CHAIN_KEYS", default=_DEV_AUDIT_KEYS if DEBUG else "")
if not AUDIT_CHAIN_KEYS:
    raise environ.ImproperlyConfigured("AUDIT_CHAIN_KEYS 未设置：生产环境必须提供审计链密钥（见 docs/production.md）。")

# Policy numbers (docs/domain.md §2). Defaults are the sources' figures; a province may tighten them.
POLICY_MAX_FLOOR_AREA_PER_PERSON = env.str("POLICY_MAX_FLOOR_AREA_PER_PERSON", default="25")  # m², seed 002
POLICY_MAX_SELF_FUNDING = env.str("POLICY_MAX_SELF_FUNDING", default="10000")  # yuan per household, seed 002
POLICY_NOTICE_MIN_DAYS = env.int("POLICY_NOTICE_MIN_DAYS", default=7)  # 公示 period, usual practice
# 村民委员会组织法 art. 26: two thirds present; a majority of those present decides.
POLICY_QUORUM_NUMERATOR = env.int("POLICY_QUORUM_NUMERATOR", default=2)
POLICY_QUORUM_DENOMINATOR = env.int("POLICY_QUORUM_DENOMINATOR", default=3)
# Resettlement across counties (跨县安置, issue 20 item 6): the provinces (2-digit codes, e.g. "52")
# whose policy lets a household of one county be resettled at a site of another county of the same
# province, once both counties' resettlement offices approve (registry/placements.py). Default: none.
POLICY_CROSS_COUNTY_PROVINCES = env.list("POLICY_CROSS_COUNTY_PROVINCES", default=[])

# Days a household may stay in a stage before it shows as overdue, per stage code; the stage
# table's defaults apply to stages not named. E.g. WORKFLOW_DEADLINE_DAYS='{"approval": 15}'.
WORKFLOW_DEADLINE_DAYS = env.json("WORKFLOW_DEADLINE_DAYS", default={})

# Periodic jobs when Celery beat runs (see README): close ended notices, verify the audit chain
# and the stored files every night.
CELERY_BEAT_SCHEDULE = {
    "close-due-notices": {"task": "workflows.tasks.close_due_notices", "schedule": 3600.0},
}
# The documents owed by committed moves (workflows/outbox.py) are drained every few minutes: what a
# process killed after a commit left behind, and the retries whose back-off has passed.
CELERY_BEAT_SCHEDULE["render-pending-documents"] = {
    "task": "workflows.tasks.render_pending", "schedule": env.float("DOCUMENTS_RENDER_PENDING_INTERVAL", default=300.0),
}
DOCUMENTS_RENDER_MAX_ATTEMPTS = env.int("DOCUMENTS_RENDER_MAX_ATTEMPTS", default=5)  # then 生成失败, 重新生成 by hand

# Audit: trust X-Forwarded-For only behind a known reverse proxy.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # celery.app.trace logs one "Task … succeeded" line per task at INFO: inline (no REDIS_URL) that
    # is one line per rendered document in the server's console; failures still log at ERROR.
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------
# ops/ (issue 17): production on real parts. Listed in the README ("Production").
# ---------------------------------------------------------------------------------------------
# collectstatic leaves out viewflow's vendored node_modules (its CSS names missing fonts, and the
# manifest storage refuses to write a manifest over a missing file: every page would answer 500).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.staticfiles")] = "ops.staticfiles.StaticFilesConfig"
INSTALLED_APPS.append("ops")
# First: every later middleware's log lines carry the request's id (X-Request-ID in and out).
MIDDLEWARE.insert(0, "ops.logs.RequestIdMiddleware")
# Behind a TLS-terminating proxy. Each variable sets the Django setting of the same name; all off
# by default so a plain-HTTP intranet start is not redirected in a loop (README lists the set
# that makes `manage.py check --deploy` silent).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# "HTTP_X_FORWARDED_PROTO,https": the header the proxy sets and the value meaning HTTPS. Set it
# only behind a proxy that overwrites the header (a client could send it otherwise).
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)
# /healthz: a document owed (documents.RenderOrder) longer than this (seconds) makes it "degraded".
OPS_OUTBOX_MAX_AGE = env.int("OPS_OUTBOX_MAX_AGE", default=900)
# All processes on one machine with local files (ops.W002 otherwise warns once REDIS_URL is set).
OPS_SINGLE_MACHINE = env.bool("OPS_SINGLE_MACHINE", default=False)
# A PostgreSQL streaming replica for pages that only read (ops/replica.py; docs/scaling.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ops.replica.ReplicaRouter"]
DATABASE_REPLICA_PATHS = env.list("DATABASE_REPLICA_PATHS", default=["/supervision/log/", "/archive/completeness/"])
MIDDLEWARE.insert(1, "ops.replica.ReplicaReadsMiddleware")
# Celery workers log through LOGGING too (JSON, task id), not through Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One JSON object a line on stdout, with the request id (text lines with DEBUG, for people).
LOGGING["filters"] = {"request_id": {"()": "ops.logs.RequestIdFilter"}}
LOGGING["formatters"] = {"json": {"()": "ops.logs.JsonFormatter"},
                         "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}}
LOGGING["handlers"]["console"].update({
    "stream": "ext://sys.stdout", "filters": ["request_id"],
    "formatter": env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
})


# ---------------------------------------------------------------------------------------------
# documents/ (issue 3): PDF rendering, 文号, QR verification, evidence store. Listed in the README.
# ---------------------------------------------------------------------------------------------
# The only folder the PDF renderer may read files from (its URL fetcher refuses everything else).
DOCUMENTS_PDF_ASSET_DIR = BASE_DIR / "static" / "pdf"
# PDF/A because documents are archived for decades (WeasyPrint's pdf_variant).
DOCUMENTS_PDF_VARIANT = env.str("DOCUMENTS_PDF_VARIANT", default="pdf/a-3b")
# Scheme and host printed in every QR code: the public address of /verify/<code>/.
DOCUMENTS_PUBLIC_BASE_URL = env.str("DOCUMENTS_PUBLIC_BASE_URL", default="http://localhost:8000")
# Issuing organ and 文号 prefix of a county, derived from the county's AdminArea name; a county
# whose name does not fit can be set by code: DOCUMENTS_COUNTY_OVERRIDES='{"520999": {"organ":
# "...", "short_name": "..."}}'.
DOCUMENTS_ISSUING_ORGAN_FORMAT = env.str("DOCUMENTS_ISSUING_ORGAN_FORMAT", default="{county}易地扶贫搬迁工作领导小组办公室")
DOCUMENTS_NUMBER_PREFIX_FORMAT = env.str("DOCUMENTS_NUMBER_PREFIX_FORMAT", default="{short_name}搬迁")
DOCUMENTS_COUNTY_OVERRIDES = env.json("DOCUMENTS_COUNTY_OVERRIDES", default={})
# The storage (STORAGES alias) holding generated PDFs and evidence; never served by URL.
DOCUMENTS_STORAGE_ALIAS = env.str("DOCUMENTS_STORAGE_ALIAS", default="default")
# Largest evidence upload accepted (bytes).
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# WeasyPrint logs every stylesheet it parses at INFO; keep its warnings (refused URLs, fonts).
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}


# ---------------------------------------------------------------------------------------------
# approvals/ (issue 6): the officials' inbox, case pages, batches and printing.
# ---------------------------------------------------------------------------------------------
# The inbox badge in the navigation (a bounded count of the user's scoped queue and inbox).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("approvals.context.inbox_badge")
# Rows per inbox page; counts above APPROVALS_COUNT_CAP show as "99+" (no unbounded COUNT per page).
APPROVALS_PAGE_SIZE = env.int("APPROVALS_PAGE_SIZE", default=25)
APPROVALS_COUNT_CAP = env.int("APPROVALS_COUNT_CAP", default=99)


# ---------------------------------------------------------------------------------------------
# workflows/ sites (issue 5): the site lifecycle, joint plan review, funds. Listed in the README.
# ---------------------------------------------------------------------------------------------
# The county bureaus of the joint plan review (集中会审), as role codenames; each signs in parallel
# and the review waits for all. Any of: role_county_office, role_county_housing,
# role_county_natural_resources, role_county_finance, role_county_drc, role_county_hrss.
SITE_JOINT_REVIEW_ROLES = env.list("SITE_JOINT_REVIEW_ROLES", default=[
    "role_county_office", "role_county_housing", "role_county_natural_resources", "role_county_finance",
])
# seed 002 "在建项目要按施工进度匹配拨款进度": disbursed ≤ arrived and ≤ planned × (progress +
# this share). 0.30: the advance payment may be at most 30 % of the contract (建设工程价款结算暂行办法).
SITE_DISBURSEMENT_ADVANCE_SHARE = env.str("SITE_DISBURSEMENT_ADVANCE_SHARE", default="0.30")
# seed 002 "达到招标规模标准的，必须依法招标": a construction contract from this amount (yuan) must be
# tendered (必须招标的工程项目规定, 国家发展改革委令第16号: 400万元).
SITE_TENDER_THRESHOLD = env.str("SITE_TENDER_THRESHOLD", default="4000000")

# ---------------------------------------------------------------------------------------------
# supervision/ (issue 8): what auditors read. Listed in the README.
# ---------------------------------------------------------------------------------------------
# Events per page of the audit log browser; pages go by event id, never by COUNT over the log.
SUPERVISION_PAGE_SIZE = env.int("SUPERVISION_PAGE_SIZE", default=50)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("supervision.context.integrity_alarm")
# The audit-chain and storage checks run on this schedule (seconds; default daily) and their
# results show to auditors; `manage.py run_integrity_checks` runs them by hand.
SUPERVISION_INTEGRITY_INTERVAL = env.int("SUPERVISION_INTEGRITY_INTERVAL", default=86400)
CELERY_BEAT_SCHEDULE["supervision-integrity"] = {
    "task": "supervision.run_integrity_checks", "schedule": float(SUPERVISION_INTEGRITY_INTERVAL),
}

# ---------------------------------------------------------------------------------------------
# aftercare/ (issue 20): 后扶 and 防返贫 (docs/formats.md §3). Listed in the README.
# ---------------------------------------------------------------------------------------------
# The 防返贫 monitoring line, yuan of net income per person per year (provinces set their own; the
# national line of 2021 was 6000). After quarter q a household is below it when its year-to-date
# per-capita net income is less than line × q / 4.
AFTERCARE_MONITORING_LINE = env.str("AFTERCARE_MONITORING_LINE", default="6000")
# A member with labour and no job for this many months in a row raises a risk (因务工就业不稳).
AFTERCARE_NO_JOB_MONTHS = env.int("AFTERCARE_NO_JOB_MONTHS", default=6)
# The 防返贫 rules over every moved-in household, each night (aftercare.tasks; also `manage.py scan_risks`).
from celery.schedules import crontab  # noqa: E402
CELERY_BEAT_SCHEDULE["aftercare-scan-risks"] = {
    "task": "aftercare.tasks.scan_risks", "schedule": crontab(hour=3, minute=0),
}

# ---------------------------------------------------------------------------------------------
# archive/ (issue 7): the 档案. Listed in the README.
# ---------------------------------------------------------------------------------------------
# Items per volume of a printed 卷内目录: a long catalogue is split into volumes, not one huge render.
ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME = env.int("ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME", default=200)
# Items the 四性 page re-hashes and opens inline (~3 ms each); larger areas use manage.py check_archive.
ARCHIVE_FOUR_PROPERTIES_PAGE_LIMIT = env.int("ARCHIVE_FOUR_PROPERTIES_PAGE_LIMIT", default=20000)
# Days an export package (it holds unmasked forms) is kept after it is built; purged nightly.
ARCHIVE_EXPORT_KEEP_DAYS = env.int("ARCHIVE_EXPORT_KEEP_DAYS", default=7)
# The completeness report of more households than this is built in the background (an export job
# with progress, downloaded as Excel), never inline in the request (issue 18 item 5).
ARCHIVE_COMPLETENESS_INLINE_LIMIT = env.int("ARCHIVE_COMPLETENESS_INLINE_LIMIT", default=3000)
# Nightly (local time): purge old export packages, then the 四性 check of every county's archive.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["archive-purge-exports"] = {
    "task": "archive.tasks.purge_exports", "schedule": crontab(hour=1, minute=30),
}
CELERY_BEAT_SCHEDULE["archive-four-properties"] = {
    "task": "archive.tasks.check_four_properties", "schedule": crontab(hour=2, minute=0),
}

# ---------------------------------------------------------------------------------------------
# api/ (issue 9): the JSON API over the same scope, rules and services. Listed in the README.
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Systems send `Authorization: Token <key>` (keys issued per user by a superuser, revocable);
    # the browser's session works too (with its CSRF check on writes).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    # Requests per token (or per signed-in user) and period: "N/second|minute|hour|day".
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_THROTTLE_RATE", default="3000/hour")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "易地扶贫搬迁案件审批与档案系统 API",
    "DESCRIPTION": "与界面相同的案件、辖区范围、政策规则与办理服务。错误统一为 "
                   "{\"code\", \"message\", \"fields\"}；写操作可带 Idempotency-Key 请求头。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The documentation page's assets are served from our own static files (no CDN on intranets).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStageEnum": "registry.models.HouseholdStage.choices",
        "SiteStageEnum": "registry.models.SiteStage.choices",
        "EvidenceKindEnum": "documents.models.EvidenceKind.choices",
        "SiteKindEnum": "registry.models.SiteKind.choices",
    },
}
# How long a stored answer to an Idempotency-Key is replayed (hours).
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=48)

# ---------------------------------------------------------------------------------------------
# accounts/ (issue 16): 等保 2.0 level 3 identification (GB/T 22239-2019 8.1.4.1). Listed in the README.
# ---------------------------------------------------------------------------------------------
# Change every N days (0: never); an initial password set by an administrator is changed at first sign-in.
ACCOUNTS_PASSWORD_MAX_AGE_DAYS = env.int("ACCOUNTS_PASSWORD_MAX_AGE_DAYS", default=90)
# A signed-in session without a request for this long is ended (seconds).
ACCOUNTS_IDLE_TIMEOUT = env.int("ACCOUNTS_IDLE_TIMEOUT", default=30 * 60)
# Seconds between the password step and the second-factor step before the password is asked again.
ACCOUNTS_LOGIN_STEP_SECONDS = env.int("ACCOUNTS_LOGIN_STEP_SECONDS", default=300)
# Per-user lockout of the second factor: wrong codes in a row, and the lock's length (minutes).
ACCOUNTS_OTP_FAILURE_LIMIT = env.int("ACCOUNTS_OTP_FAILURE_LIMIT", default=5)
ACCOUNTS_OTP_LOCK_MINUTES = env.int("ACCOUNTS_OTP_LOCK_MINUTES", default=30)
ACCOUNTS_OTP_BACKUP_CODES = env.int("ACCOUNTS_OTP_BACKUP_CODES", default=10)
# Password-spraying guard: an address whose failed sign-ins name this many usernames within the
# window (minutes) may not sign in until they age out (accounts/spraying.py; 0 turns it off).
ACCOUNTS_SPRAY_USERNAME_LIMIT = env.int("ACCOUNTS_SPRAY_USERNAME_LIMIT", default=10)
ACCOUNTS_SPRAY_WINDOW_MINUTES = env.int("ACCOUNTS_SPRAY_WINDOW_MINUTES", default=30)
# The name the authenticator app shows beside the username.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="易地扶贫搬迁系统")
# The per-user lock above replaces django-otp's per-device delays (which would throttle the
# authenticator and the backup codes separately, and a right code after a typo).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The admin's device pages never show a TOTP secret or backup code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# One client address for the audit log, axes' lockouts, the spraying guard and the /verify/ limit:
# behind a reverse proxy (AUDIT_TRUST_X_FORWARDED_FOR) axes would otherwise see the proxy's address
# for everyone, and the spraying guard would shut every official out together.
AXES_CLIENT_IP_CALLABLE = "audit.log.client_ip"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accounts.context.administrator_duty")
# Evidence images whose longer side exceeds the shorter this many times are refused (1×50000 is
# no photo; a long receipt scan is about 1:8). documents/evidence/validation.py.
EVIDENCE_MAX_ASPECT_RATIO = env.int("EVIDENCE_MAX_ASPECT_RATIO", default=20)
# The public /verify/ page: requests per address (the codes are bearer tokens; no guessing them).
DOCUMENTS_VERIFY_RATE = env.str("DOCUMENTS_VERIFY_RATE", default="60/minute")
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from our own files only
# (no CDN anywhere, docs/architecture.md); inline style attributes are still used by some templates, inline
# scripts by none. The QR codes are inline SVG; evidence previews and PDFs come from our views.
from csp.constants import NONE, SELF  # noqa: E402

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


# ---------------------------------------------------------------------------------------------
# notifications/ (issue 22): notices, reminders, escalation, digest, 代理, saved views. In the README.
# ---------------------------------------------------------------------------------------------
# The bell in the header (one bounded COUNT of the user's unread notices).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("notifications.context.bell")
# The outside channels: e-mail through Django's mail backend (EMAIL_* settings), SMS through a
# provider class (notifications/channels.py SmsProvider); the default provider only logs.
NOTIFICATIONS_SMS_PROVIDER = env.str("NOTIFICATIONS_SMS_PROVIDER", default="notifications.channels.LoggingSmsProvider")
NOTIFICATIONS_BASE_URL = env.str("NOTIFICATIONS_BASE_URL", default=DOCUMENTS_PUBLIC_BASE_URL)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
# Reminders: a step due within this many days; escalation after this many days overdue, per stage
# code ("default" for the rest): to the township leader, after twice as long to the county office.
NOTIFICATIONS_DUE_SOON_DAYS = env.int("NOTIFICATIONS_DUE_SOON_DAYS", default=3)
NOTIFICATIONS_ESCALATION_DAYS = env.json("NOTIFICATIONS_ESCALATION_DAYS", default={"default": 5})
# The daily digest per user, at this local hour.
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=8)
CELERY_BEAT_SCHEDULE["notifications-deliver-pending"] = {
    "task": "notifications.tasks.deliver_pending", "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["notifications-reminders"] = {
    "task": "notifications.tasks.reminders", "schedule": crontab(minute=15),
}
CELERY_BEAT_SCHEDULE["notifications-digest"] = {
    "task": "notifications.tasks.digest", "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
}
# public/ (issue 22 item 5): the no-login window — running notices and a household's own status.
# Requests per address over all its pages ("N/minute"); past it, 429 (no guessing numbers).
PUBLIC_RATE = env.str("PUBLIC_RATE", default="20/minute")

# ---------------------------------------------------------------------------------------------
# monitoring/ (issue 19): the cockpit, rankings, snapshots, bulletins, ledgers. Listed in the README.
# ---------------------------------------------------------------------------------------------
# Targets with dates (seed 000: all started by June 20, structure by end of September, keys by end
# of November): (indicator code, percent, "MM-DD" of the current year, what the target says).
MONITORING_TARGETS = env.json("MONITORING_TARGETS", default=[
    ["started", 100, "06-20", "全部开工"], ["completed", 100, "09-30", "全部竣工"],
    ["moved_in", 100, "11-30", "全部入住"],
])
# The combined score of the rankings: weight per indicator code (the 五率 equally by default).
MONITORING_SCORE_WEIGHTS = env.json("MONITORING_SCORE_WEIGHTS", default={
    "centralised": 1, "started": 1, "moved_in": 1, "funds": 1, "industry": 1,
})
# The day's snapshot of every area's figures (monitoring.tasks; also `manage.py take_snapshots`).
CELERY_BEAT_SCHEDULE["monitoring-snapshots"] = {
    "task": "monitoring.tasks.take_snapshots", "schedule": crontab(hour=23, minute=30),
}
# The 周通报 of every county, each Monday morning for the week before (monitoring.tasks).
CELERY_BEAT_SCHEDULE["monitoring-weekly-bulletins"] = {
    "task": "monitoring.tasks.weekly_bulletins", "schedule": crontab(day_of_week=1, hour=7, minute=0),
}
# The cockpit's figures are counted ahead (monitoring/tallies.py): every MONITORING_TALLY_MINUTES by
# beat, and inline for an area whose figures are older than MONITORING_TALLY_MAX_AGE minutes (beat
# not running). The page prints the time they were counted.
MONITORING_TALLY_MINUTES = env.int("MONITORING_TALLY_MINUTES", default=5)
MONITORING_TALLY_MAX_AGE = env.int("MONITORING_TALLY_MAX_AGE", default=15)
CELERY_BEAT_SCHEDULE["monitoring-tallies"] = {
    "task": "monitoring.tasks.refresh_tallies", "schedule": MONITORING_TALLY_MINUTES * 60.0,
}
# 台账 above this many rows are built by a Celery task with a progress page, the file kept for one
# download or MONITORING_LEDGER_KEEP_HOURS (then deleted by the hourly beat job).
MONITORING_LEDGER_INLINE_ROWS = env.int("MONITORING_LEDGER_INLINE_ROWS", default=5000)
MONITORING_LEDGER_KEEP_HOURS = env.int("MONITORING_LEDGER_KEEP_HOURS", default=24)
CELERY_BEAT_SCHEDULE["monitoring-ledger-exports"] = {
    "task": "monitoring.tasks.expire_ledger_exports", "schedule": crontab(minute=40),
}
