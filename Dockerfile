# syntax=docker/dockerfile:1
# The production image: one image for the web nodes, the worker, the scheduler and the
# migrate job (compose.yaml runs them; docs/deploy.md walks through it).
#
#   docker build -t campaign .
#   docker run --env-file .env -p 8000:8000 campaign                          # a web node
#   docker run --env-file .env campaign python manage.py db_worker --queue-name default,email
#   docker run --env-file .env campaign python manage.py scheduler
#
# The code belongs to root and is read-only to the user the processes run as: a process that
# is made to misbehave cannot change the code it runs, nor the collected static files.

FROM python:3.13-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
# The production lock only (no test tools, no embedded PostgreSQL); hashes checked.
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.13-slim AS runtime
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=campaign.settings \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    GUNICORN_THREADS=4 \
    GUNICORN_TIMEOUT=120
RUN groupadd --system app && useradd --system --gid app --home-dir /nonexistent --no-create-home app
WORKDIR /app
COPY --from=build /venv /venv
# Owned by root (COPY's default), readable by all, writable by none but root.
COPY . /app
# Hashed, compressed static files are built into the image; the key and the database URL are
# throwaways for this step only (settings refuse to start without them), never the ones the
# containers run with. Then the bytecode is compiled once, here, as root: the runtime user
# could not write it.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@127.0.0.1:1/build \
        MAILER=console python manage.py collectstatic --noinput \
    && python -m compileall -q /app \
    && chmod -R a-w,a+rX /app
USER app
EXPOSE 8000
# The web node's own health: the database answers (what a load balancer needs). The full report
# (worker and scheduler overdue) is /healthz without the query, for monitors (docs/deploy.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request as u; h=os.environ.get('DJANGO_ALLOWED_HOSTS','localhost').split(',')[0]; u.urlopen(u.Request('http://127.0.0.1:'+os.environ.get('PORT','8000')+'/healthz?check=database', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"
# gthread: each process serves GUNICORN_THREADS requests at once, so a long response (the
# 1,000,000-row export streams for about 3 s, docs/benchmarks.md) or a slow client does not
# hold up the pages others are waiting for, and the process's heartbeat to gunicorn runs apart
# from the requests. GUNICORN_TIMEOUT (120 s) is far beyond the export's 3 s: it only ends a
# process that stopped answering altogether. No access log here: LOG_FORMAT=json logs one line
# per request with its request id (Caddy logs them too).
CMD ["sh", "-c", "exec gunicorn campaign.wsgi:application --bind 0.0.0.0:${PORT} --worker-class gthread --workers ${WEB_CONCURRENCY} --threads ${GUNICORN_THREADS} --timeout ${GUNICORN_TIMEOUT} --graceful-timeout 30 --keep-alive 5 --worker-tmp-dir /dev/shm --no-control-socket"]
