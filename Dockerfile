# The production image: gunicorn serving levelup.wsgi, static files collected and served by
# WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).

# --- Front-end assets: Bootstrap at the version pinned in package-lock.json -------------
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
# Runtime assets only: axe-core (a devDependency) is for the browser tests.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# --- Runtime ---------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=levelup.settings.production \
    DJANGO_MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3

RUN groupadd --system --gid 10001 levelup \
    && useradd --system --uid 10001 --gid levelup --home-dir /app --shell /usr/sbin/nologin levelup

WORKDIR /app

# Exactly the locked packages: every file's hash is checked and nothing unlisted is pulled in.
COPY requirements/base.lock requirements/base.lock
RUN pip install --require-hashes --no-deps -r requirements/base.lock

# The code stays owned by root: the app user may read it, not change it.
COPY . .
# Where settings.STATICFILES_DIRS expects Bootstrap ("vendor/bootstrap").
COPY --from=assets /assets/node_modules/bootstrap/dist node_modules/bootstrap/dist

# collectstatic imports the production settings, which insist on these variables; the values
# are placeholders that exist only during this step (nothing connects to them).
RUN DJANGO_SECRET_KEY=build-only-placeholder-secret-key-not-used-at-runtime-0123456789 \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media /app/private/evidence \
    && chown -R levelup:levelup /app/media /app/private

USER levelup
EXPOSE 8000

# Worker processes: WEB_CONCURRENCY (gunicorn reads it).
CMD ["gunicorn", "levelup.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
