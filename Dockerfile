# The explainer's web page and JSON API, for one machine or many behind a load balancer.
# See docs/deploy.md (workers, limits, timeouts, logs). Build and run:
#   docker build -t explainer .
#   docker run --rm -p 8000:8000 explainer
# tests/test_deploy.py runs this file's pip and start commands on a machine without Docker.

# Stage 1: build wheels. durable-rules has no binary wheels, so it is compiled here, with the
# compilers that the final image does not need.
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
# Lets durable-rules 2.0.28 build for Python 3.13 too (a python:3.13-slim base); it changes
# nothing on 3.10-3.12. See README, "Python versions".
ENV CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY explainer ./explainer
COPY knowledge ./knowledge
COPY rules ./rules
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[web]"

# Stage 2: the slim image that runs, as a user without privileges.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 explainer
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "breast-cancer-treatment-explainer[web]" \
    && rm -rf /wheels
USER explainer
WORKDIR /home/explainer
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["explainer", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
