"""The model directory in docs/models is generated from the declarations and must
be up to date (regenerate with `python -m nestkit.docs docs/models`)."""

from pathlib import Path

from nestkit.docs.__main__ import generate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "models"


def test_model_directory_is_current():
    pages = generate()
    for name, text in pages.items():
        path = DOCS / name
        assert path.is_file(), f"{path} missing: run python -m nestkit.docs docs/models"
        assert path.read_text() == text, f"{path} is stale: run python -m nestkit.docs docs/models"
    assert {p.name for p in DOCS.glob("*.md")} == set(pages)


def test_every_builtin_model_is_documented():
    text = "".join((DOCS / n).read_text() for n in generate())
    from nestkit import _core

    for m in _core.builtin_models():
        assert f"## {m['name']}\n" in text
