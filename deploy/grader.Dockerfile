# The image of `grader serve` and `grader worker` for compose.yaml (not the sandbox image:
# candidate code never runs in this one; the workers start sandbox containers beside it).
FROM python:3.12-slim
RUN useradd --create-home --uid 1000 grader
WORKDIR /opt/grader
COPY . /opt/grader
RUN pip install --no-cache-dir '.[deploy,queue]'
# The worker talks to the Docker socket; the service only to Redis and its database.
USER grader
ENTRYPOINT ["grader"]
