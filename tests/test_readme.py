"""README as a newcomer reads it: every python block runs as written from the repository root,
and every file it cites is inside the repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", README, flags=re.S | re.M)


def test_readme_has_python_blocks() -> None:
    assert len(python_blocks()) >= 2


@pytest.mark.parametrize("k", range(len(python_blocks())))
def test_a_readme_python_block_runs_as_written(k: int) -> None:
    """In a fresh interpreter whose working directory is the repository root, as README says."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", python_blocks()[k]], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def test_readme_cites_only_files_inside_the_repository() -> None:
    links = re.findall(r"\]\(([^)#\s]+)", README)
    assert links
    for target in links:
        if re.match(r"[a-z]+://", target):
            continue
        path = (REPO / target).resolve()
        assert path.is_relative_to(REPO) and path.exists(), target
    # file paths in code spans that look like files of a docs directory
    for cited in re.findall(r"`([\w./-]+\.md)`", README):
        assert (REPO / cited).exists(), cited
    assert "shared/docs" not in README and "../" not in README
