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
# Then, still as root, the privacy guard's names lexicon is built beside the interpreter
# (/usr/local/share/zorgvuldig) and the guard is loaded once: the build fails here when it
# cannot load, instead of a container that sends no letters. At run time nothing is written
# into the installed packages (no bytecode, no deduce cache).
RUN pip install -e . \
    && python -m shared.privacy.lexicon

USER zorgvuldig
VOLUME ["/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "services", "controleer", "web"]
CMD ["python", "-m", "services.web"]
