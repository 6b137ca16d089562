"""The parity tests need the corpus; a missing corpus is an error, never a skip."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("NESTKIT_PARITY_DIR", REPO.parent / "shared" / "parity"))


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS / "scenarios").is_dir():
        pytest.fail(f"parity corpus not found at {CORPUS}; set NESTKIT_PARITY_DIR")
    return CORPUS
