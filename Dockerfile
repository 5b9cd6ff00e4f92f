# syntax=docker/dockerfile:1
# Production image: gunicorn serving campaign.wsgi behind a TLS-terminating proxy.
# Build:  docker build -t campaign .
# Run:    docker run --env-file .env -p 8000:8000 campaign
# Worker: docker run --env-file .env campaign python manage.py db_worker --queue-name default,email

FROM python:3.13-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.13-slim AS runtime
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=campaign.settings \
    PORT=8000
RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=app:app . /app
# Hashed, compressed static files are built into the image; the key is a throwaway for this
# step only (settings refuse to start without one), never the one the container runs with;
# so is the database address (collectstatic never connects).
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://collectstatic@127.0.0.1:5432/none \
    python manage.py collectstatic --noinput
USER app
EXPOSE 8000
# /healthz checks the database. Host header: the first of DJANGO_ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request as u; h=os.environ.get('DJANGO_ALLOWED_HOSTS','localhost').split(',')[0]; u.urlopen(u.Request('http://127.0.0.1:'+os.environ.get('PORT','8000')+'/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"
CMD ["sh", "-c", "exec gunicorn campaign.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips=${FORWARDED_ALLOW_IPS:-127.0.0.1}"]
