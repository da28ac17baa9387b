"""gunicorn's settings (`gunicorn -c config/gunicorn.py config.wsgi`), from the environment.

Workers from the CPU count (2 × cores + 1, gunicorn's own advice) unless WEB_CONCURRENCY says
otherwise; synchronous workers: every request is short except an inline PDF render, and those go
to Celery once REDIS_URL is set. Logs as the application's: one JSON object a line on stdout,
the access line carrying the response's X-Request-ID.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # an inline render of a long catalogue
graceful_timeout = 30
# WeasyPrint's memory grows with what it has rendered: recycle each worker now and then.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# The proxy's address(es) whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl) would be fought over by two servers on
# one machine (make prod beside the smoke test); nothing here uses it.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    # Django's LOGGING configures the root logger when the application loads.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
