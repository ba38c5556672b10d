# One image for every Zorgvuldig process; docker-compose.yml chooses the process per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ZORGVULDIG_DATA_DIR=/data \
    ZORGVULDIG_WEB_HOST=0.0.0.0 \
    ZORGVULDIG_WEB_PORT=8000

RUN useradd --system --uid 10001 --home-dir /app zorgvuldig \
    && mkdir -p /app /data \
    && chown zorgvuldig /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY templates ./templates
# Editable: the code stays in /app beside templates/, exactly as in a clone of the repository.
RUN pip install -e .

USER zorgvuldig
VOLUME ["/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "services", "controleer", "web"]
CMD ["python", "-m", "services.case.web"]
