# syntax=docker/dockerfile:1.7
# OCOP Market: one image for web (gunicorn), Celery workers, beat and one-off jobs.
#   docker build -t ocop-market .
# The base is pinned to an exact patch release; CI should pin the digest too
# (docker buildx imagetools inspect python:3.11.13-slim-bookworm), see infra/README.md.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

# --- build: a virtualenv from the lock file ----------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv && /opt/venv/bin/pip install "uv==0.13.9"
COPY requirements/base.lock /tmp/base.lock
# Every package and version comes from the lock file; nothing is resolved at build time.
RUN /opt/venv/bin/uv pip install --python /opt/venv/bin/python --no-deps -r /tmp/base.lock \
    && /opt/venv/bin/pip uninstall -y uv

# --- runtime: the app, non-root ---------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=backend.settings \
    STATIC_ROOT=/app/staticfiles \
    STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage \
    WHITENOISE_USE_FINDERS=false \
    LOG_FORMAT=json \
    PORT=8000
# libpq and image libraries come with the wheels (psycopg[binary], Pillow); only a CA store
# and tini (PID 1 that forwards signals and reaps zombies) are added.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ocop \
    && useradd --system --uid 10001 --gid ocop --home-dir /app --shell /usr/sbin/nologin ocop
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Code stays root-owned and read-only to the app; only var/ and staticfiles/ are its own.
COPY . /app
RUN mkdir -p /app/var /app/staticfiles && chown ocop:ocop /app/var /app/staticfiles
USER 10001:10001
# Static files are collected (hashed and compressed) into the image; whitenoise serves them.
# The key below only lets settings load at build time; it is never used at run time.
RUN SECRET_KEY=collectstatic-only-build-time-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["gunicorn", "-c", "infra/gunicorn.conf.py", "backend.wsgi:application"]
