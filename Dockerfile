# syntax=docker/dockerfile:1
# Multi-stage: build wheels once, run as a non-root user. The steps mirror `make install`.
# Debian 13 (trixie) ships PostgreSQL 17's pg_dump, the same major version as compose's
# database (postgres:17): pg_dump refuses a newer server, and backups need it.
FROM python:3.12-slim-trixie AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY clinic ./clinic
COPY programs ./programs
COPY bookings ./bookings
COPY care ./care
RUN python -m venv /venv \
 && /venv/bin/pip install --upgrade pip \
 && /venv/bin/pip install -c requirements.lock .

FROM python:3.12-slim-trixie AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media \
    BACKUP_DIR=/backups \
    GNUPGHOME=/app/.gnupg \
    GUNICORN_BIND=0.0.0.0:8000
# Pango (and a font) for WeasyPrint, which draws the home programme's PDF handout;
# pg_dump / pg_restore for the backups, gpg to encrypt them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    postgresql-client gnupg \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system clinic && useradd --system --gid clinic --home /app clinic
WORKDIR /app
COPY --from=build /venv /venv
# Owned by root: the app reads its code and cannot change it.
COPY . .
# Static files, and the only directories the app may write: uploads, backups, keyring.
RUN sh deploy/prepare-image.sh
USER clinic
EXPOSE 8000
# Ask as the first allowed host, or Django answers 400 to "Host: 127.0.0.1".
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, sys, urllib.request as u; host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0]; sys.exit(u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4).status != 200)"
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
