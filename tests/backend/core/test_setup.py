"""Set-up: runtime and test dependencies are locked apart (the API's image installs only what it runs); apt waits for its lock."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BACKEND = ROOT / "backend"


def _canonical(name: str) -> str:
    """A package name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    text = (BACKEND / lock).read_text()
    return {_canonical(name): version for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)}


def _wanted(requirements_in: str) -> set[str]:
    lines = (BACKEND / requirements_in).read_text().splitlines()
    return {_canonical(re.split(r"[\[<>=;\s]", line.strip())[0]) for line in lines if line.strip() and not line.startswith(("#", "-"))}


def test_runtime_lock_has_no_test_tools_and_the_test_lock_agrees_with_it() -> None:
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert _wanted("requirements.in") <= runtime.keys()
    assert _wanted("requirements-test.in") <= test.keys()
    for tool in ("atheris", "pytest", "hypothesis", "schemathesis", "moto", "respx"):
        assert tool not in runtime, f"{tool} is a test tool but sits in the runtime lock"
    assert {name: version for name, version in test.items() if name in runtime} == {name: runtime[name] for name in test.keys() & runtime.keys()}
    for lock in ("requirements.lock", "requirements-test.lock"):
        entries = re.findall(r"^[A-Za-z0-9_.-]+==\S+ \\\n(?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+", (BACKEND / lock).read_text(), re.MULTILINE)
        assert len(entries) == len(_pins(lock)), f"every pin in {lock} carries hashes"


def test_the_image_installs_the_runtime_lock_only_and_make_splits_them_the_same_way() -> None:
    dockerfile = "\n".join(line for line in (BACKEND / "Dockerfile").read_text().splitlines() if not line.startswith("#"))
    assert "requirements.lock" in dockerfile and "requirements-test" not in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    runtime_rule = makefile.split("$(VENV)/.installed:")[1].split("\n\n")[0]
    assert "requirements.lock" in runtime_rule and "requirements-test" not in runtime_rule
    test_rule = makefile.split("$(VENV)/.test-installed:")[1].split("\n\n")[0]
    assert "-r backend/requirements.lock -r backend/requirements-test.lock" in test_rule


def test_every_apt_get_waits_for_the_dpkg_lock() -> None:
    makefiles = [ROOT / "Makefile", *sorted((ROOT / "mk").glob("*.mk"))]
    calls = [line for path in makefiles for line in path.read_text().splitlines() if "apt-get" in line and not line.lstrip().startswith("#") and "echo" not in line]
    assert calls
    for line in calls:
        assert "DPkg::Lock::Timeout=" in line or "$(APT_GET)" in line or "$(APT_INSTALL)" in line, line
