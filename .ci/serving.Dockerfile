# syntax=docker/dockerfile:1
# The flights model behind the FastAPI app of the chapter "Deployment strategies".
# Explained line by line in the chapter "MLOps and CI/CD". Build from the repository root,
# with a model bundle written by labutils.serving.save_bundle in ./model:
#   docker build -f .ci/serving.Dockerfile -t flights-api .
#   docker run -p 8000:8000 flights-api
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only the serving stack, at the versions of the tested set: requirements.txt acts as
# constraints (without extras, which pip does not accept in a constraints file).
COPY requirements.txt ./
RUN sed 's/\[.*\]//' requirements.txt > constraints.txt \
 && pip install --constraint constraints.txt fastapi uvicorn pydantic pandas xgboost-cpu scikit-learn \
    onnxruntime

COPY pyproject.toml ./
COPY labutils/ labutils/
RUN pip install --no-deps .

COPY model/ model/

RUN useradd --create-home --uid 10001 app
USER 10001

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
ENV MODEL_DIR=/app/model
CMD ["uvicorn", "labutils.serving:bundle_app", "--factory", "--host", "0.0.0.0", "--port", "8000"]
