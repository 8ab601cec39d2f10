"""The project as a Python package and a command: pyproject.toml, `helpsafely`, build.py, build.sh."""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest

import ssg

from conftest import PROJECT, run_cli

PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def pins(lines: list[str]) -> dict[str, str]:
    """{lower-case name: version} of requirement lines like 'Jinja2==3.1.6  # why'."""
    found = {}
    for line in lines:
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            assert version, f"not pinned: {line!r}"
            found[name.strip().lower()] = version.strip()
    return found


def test_pyproject_pins_the_runtime_dependencies_requirements_txt_pins():
    requirements = pins((PROJECT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert pins(PYPROJECT["project"]["dependencies"]) == requirements


def test_version_comes_from_the_package_and_is_printed(capsys):
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ssg.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", ssg.__version__)
    result = run_cli("--version")
    assert (result.status, result.out) == (0, f"build.py {ssg.__version__}\n")


def test_the_oldest_python_is_the_one_pyproject_requires():
    assert PYPROJECT["project"]["requires-python"] == ">=" + ".".join(map(str, ssg.OLDEST_PYTHON))


def test_out_is_read_from_the_folder_the_command_is_run_in(make_site, tmp_path, monkeypatch):
    root = make_site()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("build", "--root", root, "--out", "mysite")
    assert result.status == 0, result.err
    assert (elsewhere / "mysite" / "index.html").is_file()
    assert not (root / "mysite").exists() and not (PROJECT / "mysite").exists()


def run_python(*args: str, cwd: Path = PROJECT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env=env or {**os.environ, "PYTHONPATH": ""})


def test_build_py_without_the_packages_says_to_run_build_sh():
    result = run_python("-S", "build.py")  # -S: no site-packages, as in a Python without .venv
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: the Python packages the site needs are not installed (")
    assert "run ./build.sh" in result.stderr


def test_build_py_on_a_python_older_than_supported_says_which_it_needs():
    pretend_old = ("import runpy, sys; sys.version_info = (3, 10, 12, 'final', 0); "
                   "runpy.run_path('build.py', run_name='__main__')")
    result = run_python("-c", pretend_old)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: the site needs Python 3.11 or newer, and this is Python ")


# build.sh with a stand-in for python3: a shell script that answers the version check as
# a Python of VERSION would, and makes a .venv whose pip fails (PIP_FAILS) or not.
FAKE_PYTHON = """#!/bin/bash
case "$1 $2" in
  "-c import sys; sys.exit(sys.version_info < (3, 11))") [[ "$VERSION" != 3.10* ]] ;;
  "-c import platform; print(platform.python_version())") echo "$VERSION" ;;
  "-m venv") mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
  "-m pip") [[ -z "$PIP_FAILS" ]] ;;
  *) echo "fake python: $*" ;;
esac
"""


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """build.sh, build.py and requirements.txt in a folder with no .venv, and a fake python3."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("build.sh", "build.py", "requirements.txt"):
        shutil.copy2(PROJECT / name, copy / name)
    fake = tmp_path / "fake-python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return copy


def run_build_sh(project: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(project / "build.sh"), "--version"], cwd=project, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHON": str(project.parent / "fake-python3"),
                                                      **env})


def test_build_sh_refuses_a_python_too_old_and_makes_no_venv(project_copy):
    result = run_build_sh(project_copy, VERSION="3.10.12")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "3.10.12" in result.stderr and "3.11 or newer" in result.stderr
    assert not (project_copy / ".venv").exists()


def test_build_sh_remakes_a_venv_made_by_an_older_python(project_copy):
    old = project_copy / ".venv" / "bin"
    old.mkdir(parents=True)
    (old / "python").write_text("#!/bin/bash\nexit 1\n")  # fails the version check, as 3.10 would
    (old / "python").chmod(0o755)
    (old / "leftover").write_text("from the old .venv")
    result = run_build_sh(project_copy, VERSION="3.12.1")
    assert result.returncode == 0, result.stderr
    assert not (old / "leftover").exists()  # the old .venv was replaced
    assert (project_copy / ".venv" / "requirements.txt").read_text() == (project_copy / "requirements.txt").read_text()
    assert result.stdout == f"fake python: {project_copy / 'build.py'} --version\n"  # then build.py ran in it


def test_build_sh_leaves_no_half_made_venv_when_pip_fails(project_copy):
    result = run_build_sh(project_copy, VERSION="3.12.1", PIP_FAILS="1")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: could not install the Python packages")
    assert not (project_copy / ".venv").exists()


@pytest.mark.slow
def test_pip_install_gives_a_helpsafely_command_that_builds_the_folder_it_is_run_in(make_site, tmp_path):
    """A wheel of the project installed in a fresh virtual environment (its dependencies come from
    this one through a .pth file, so that no network is needed): `helpsafely` builds a site folder."""
    source = tmp_path / "source"  # a copy: building leaves build/ and *.egg-info/ behind
    shutil.copytree(PROJECT / "ssg", source / "ssg", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(source)], check=True, capture_output=True, timeout=300)
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(fresh / "bin" / "python"), "install", "-q",
                    "--no-deps", str(next(wheels.glob("helpsafely-*.whl")))], check=True, capture_output=True,
                   timeout=300)
    fresh_site_packages = subprocess.run([fresh / "bin" / "python", "-c", "import sysconfig; print(sysconfig"
                                          ".get_path('purelib'))"], capture_output=True, text=True, check=True)
    Path(fresh_site_packages.stdout.strip(), "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    root = make_site()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    where = subprocess.run([fresh / "bin" / "python", "-c", "import ssg; print(ssg.__file__)"], cwd=root, env=env,
                           capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(fresh))  # the installed package, not the project's folder
    version = subprocess.run([fresh / "bin" / "helpsafely", "--version"], cwd=root, env=env, capture_output=True,
                             text=True)
    assert version.stdout == f"helpsafely {ssg.__version__}\n"
    built = subprocess.run([fresh / "bin" / "helpsafely"], cwd=root, env=env, capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"Built {root / '_site'}:")
    assert (root / "_site" / "index.html").is_file()


@pytest.mark.parametrize("options", [["--open"], []], ids=["--open", "without --open"])
def test_serve_open_opens_the_preview_in_the_browser(make_site, tmp_path, options):
    """BROWSER names the browser for Python's webbrowser module: here a script that writes down the address."""
    from preview_process import PreviewProcess
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    server = PreviewProcess(make_site(), *options, env={"BROWSER": str(browser)})
    try:
        server.wait_until_serving()
        for _ in range(30):
            if opened.exists():
                break
            time.sleep(0.1)
        assert (opened.read_text() if opened.exists() else None) == (f"{server.url}/\n" if options else None)
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
