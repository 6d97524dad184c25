# syntax=docker/dockerfile:1
# Image of the portal: the same image runs the web server (gunicorn), the Celery worker and
# Celery beat (see docker-compose.yml). Build: docker build -t chorus-portail .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    # The code runs from /app, not from site-packages: settings.BASE_DIR is the folder above
    # the `chorus` package, and templates/, static/ and locale/ live there.
    PYTHONPATH=/app

# Runtime libraries of WeasyPrint (Pango, HarfBuzz subsetting) and a fallback font; nothing
# else (the Python wheels bring their own libraries, no compiler is needed).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 chorus \
    && useradd --system --uid 10001 --gid chorus --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin chorus

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml or the pinned
# versions change (the project's packages are not copied yet, so only its dependencies land).
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt .

# The project itself: its packages, and what the runtime reads next to them.
COPY manage.py ./
COPY chorus/ chorus/
COPY structures/ structures/
COPY habilitations/ habilitations/
COPY factures/ factures/
COPY travaux/ travaux/
COPY sollicitations/ sollicitations/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/
COPY docker/entrypoint.sh docker/entrypoint.sh
RUN pip install --no-deps -c constraints.txt . \
    # Compiled catalogues are built, never committed (Babel: no system gettext needed).
    && pybabel compile -d locale -D django \
    # Static files collected once, at build time, with the production storage (compressed,
    # hashed names). The key below exists only for this command: it is not kept in the image
    # environment, and the settings refuse to start without a real one.
    && DEBUG=false \
       SECRET_KEY=build-only-collectstatic-key-not-a-secret-0123456789-abcdefghijklmnop \
       python manage.py collectstatic --no-input --verbosity 0 \
    && chmod 0755 docker/entrypoint.sh \
    # Uploaded documents: a volume is mounted here; created now so that it belongs to the
    # unprivileged user (Docker copies the ownership into a new named volume).
    && mkdir -p /var/lib/chorus/media \
    && chown chorus:chorus /var/lib/chorus/media

USER chorus

EXPOSE 8000

# /sante/ checks the database, Redis and storage. The request carries the first allowed host
# (a Host the portal accepts whatever ALLOWED_HOSTS is); /sante/ is exempt from the HTTPS
# redirect. Python's urllib: the slim image has no curl. A 503 raises, hence a failure.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = h if h and h != '*' else 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/sante/', headers={'Host': h}), timeout=8)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "chorus.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket"]
