# The two commands of the README:  make run  /  make test
.PHONY: run test test-postgres setup prod bench

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

# Every bench at two sizes of the province (default 10,000 and 1,000,000 households on the local
# PostgreSQL; a 1 M province is built once, in hours, and reused), written to bench/RESULTS.md.
# A quick look: make bench SIZES="2000 20000"
bench:
	.venv/bin/python bench/all.py $(SIZES)
