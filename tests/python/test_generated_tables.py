"""The C library's exp and pow tables in src/integrators are what their generators in tools/
compute from the mathematics (nothing edited by hand since)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("tool", "source"),
    [("make_exp_table.py", "exp_table.cpp"), ("make_pow_table.py", "pow_table.cpp")],
)
def test_table_is_its_generators_output(tool, source):
    made = subprocess.run(
        [sys.executable, str(ROOT / "tools" / tool)], check=True, capture_output=True, text=True
    ).stdout
    assert made == (ROOT / "src" / "integrators" / source).read_text()
