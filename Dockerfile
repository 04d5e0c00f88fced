# The smskit sandbox as a container: your backend's CI starts it as a service and points
# SMSKIT_BASE_URL at it. Build from a checkout (the wheel is built in the first stage):
#
#   docker build -t smskit-sandbox .
#   docker run --rm -p 8080:8080 smskit-sandbox
#
# Not built on the machines that develop smskit (they have no container engine): tests/
# test_container.py runs this file's commands (the wheel's install, CMD, HEALTHCHECK) in a
# clean virtual environment instead. Sandbox secrets are published with the kit: a sandbox is
# for tests, never for real users.
FROM python:3.12-slim AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/smskit-*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 sandbox
USER sandbox
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/_sandbox/health', timeout=2)"]
CMD ["smskit", "sandbox", "--host", "0.0.0.0", "--port", "8080", "--log-format", "json"]
