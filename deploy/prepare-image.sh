#!/bin/sh
# The image's last build steps, run as root after the code is copied in (Dockerfile), and
# by tests/clinic/test_unprivileged_upload.py in a root-owned copy of the code, so that a
# permission mistake here fails CI even where no Docker engine runs.
# The code stays root's (the app cannot rewrite itself); the app's user may write only the
# uploads (MEDIA_ROOT), the backups and the GPG keyring that encrypts them.
set -eu
APP_DIR=${APP_DIR:-/app}
APP_USER=${APP_USER:-clinic}
APP_GROUP=${APP_GROUP:-$APP_USER}
PYTHON=${PYTHON:-python}
cd "$APP_DIR"
# collectstatic needs settings to import: a throw-away key, used for this step only.
DJANGO_SECRET_KEY=build-only-not-secret DJANGO_STATIC_ROOT="$APP_DIR/staticfiles" \
    "$PYTHON" manage.py collectstatic --noinput -v0
rm -rf .venv db.sqlite3 tests bench node_modules media backups
install -d -o "$APP_USER" -g "$APP_GROUP" -m 755 "${DJANGO_MEDIA_ROOT:-$APP_DIR/media}"
install -d -o "$APP_USER" -g "$APP_GROUP" -m 700 "${BACKUP_DIR:-/backups}" "${GNUPGHOME:-$APP_DIR/.gnupg}"
