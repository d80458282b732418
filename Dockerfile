# The portal's image: gunicorn web, Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint's system libraries, a CJK font for Chinese PDFs, gettext for the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir "uv==0.13.9" \
 && .venv/bin/uv pip sync --python .venv/bin/python requirements.lock

COPY . .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages -v0 --ignore=.venv \
 && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
 && useradd --system --uid 1000 portal && mkdir -p /srv/portal/evidence && chown -R portal /srv/portal
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
