"""The wheel as a user installs it: the docs travel in it, and the coverage command never
writes into the installed package."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

needs_hatchling = pytest.mark.skipif(importlib.util.find_spec("hatchling") is None,
                                     reason="building the wheel offline needs hatchling "
                                            "(the test extra)")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", str(ROOT), "-w", str(out)], check=True,
                   capture_output=True, timeout=300)
    (whl,) = out.glob("chainrule-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> pathlib.Path:
    """The wheel unpacked as pip lays it out in site-packages."""
    site = tmp_path_factory.mktemp("site-packages")
    zipfile.ZipFile(wheel).extractall(site)
    return site


def _coverage(site: pathlib.Path, cwd: pathlib.Path, *args: str):
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run([sys.executable, "-m", "chainrule.coverage", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@needs_hatchling
def test_the_wheel_ships_every_doc_page(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"chainrule/docs/{page.name}" in names


@needs_hatchling
def test_coverage_write_from_the_installed_package_asks_for_a_folder(installed, tmp_path):
    before = sorted(p.relative_to(installed) for p in installed.rglob("*.md"))
    r = _coverage(installed, tmp_path, "--write")
    assert r.returncode == 2
    assert "--write from an installed chainrule needs --docs DIR" in r.stderr
    assert sorted(p.relative_to(installed) for p in installed.rglob("*.md")) == before
    assert list(tmp_path.iterdir()) == []


@needs_hatchling
def test_coverage_write_with_a_folder_writes_there_and_check_reads_the_shipped_docs(
        installed, tmp_path):
    r = _coverage(installed, tmp_path, "--write", "--docs", "out")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "coverage.md").is_file()
    assert (tmp_path / "out" / "conventions.md").is_file()
    # the shipped pages are the repository's, and current: --check passes from the wheel
    r = _coverage(installed, tmp_path, "--check")
    assert r.returncode == 0, r.stdout
