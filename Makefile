# The two commands of the README:  make run  /  make test
.PHONY: run test test-postgres setup prod

run:
	scripts/run.sh

test:
	scripts/test.sh

# The suite on the local PostgreSQL (what .ci/run does after the SQLite run).
test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/relocation_test scripts/test.sh

setup:
	scripts/setup.sh --dev

# The production stack on this machine: gunicorn, Celery worker and beat, PostgreSQL, Redis and a
# local S3 server (PROD_STORAGE=local: files), production settings. README, "Production".
prod:
	scripts/prod.sh
