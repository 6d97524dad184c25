#!/bin/sh
# Entry point of the image: runs the command it is given (by default gunicorn, see the
# Dockerfile's CMD). A first word `migrer` applies the database migrations first, then runs
# the rest of the command: docker-compose.yml's web service starts with it, so that one
# service, and only one, migrates (the worker and beat never do).
set -eu

if [ "${1:-}" = "migrer" ]; then
    shift
    python manage.py migrate --no-input
fi

exec "$@"
