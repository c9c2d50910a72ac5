"""The README is the truth a new user meets: its short session runs as written, from the repository root.

The commands of README.md's "A short session" are taken from the page itself and run in order, as typed, in a fresh
copy of the repository (the real `claims` program, a new process each). Each must end with the exit code the README
shows (a `(exit N)` line, else 0), and where the README shows a JSON document the real one has the same keys.
The walk-through's headings are plain text when its output is not a terminal.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.db", "*.db-*", ".pytest_cache", ".ruff_cache")


SESSIONS = ("## A short session", "## 中文：理赔部门的一天")  # the English session, and the same day in Chinese


def session(readme: str = "", heading: str = SESSIONS[0]) -> list[tuple[str, list[str]]]:
    """(command, the output the README shows for it) for each `$ ` line of a session's console block."""
    text = readme or README.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def exit_code(shown: list[str]) -> int:
    codes = [int(m.group(1)) for line in shown if (m := re.fullmatch(r"\(exit (\d+)\)", line.strip()))]
    return codes[0] if codes else 0


def keys(doc, path: str = "") -> set[str]:
    """Every key of a JSON document, nested keys as `outer.inner` (the items of a list as `outer[]`)."""
    found = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            found |= {f"{path}{key}"} | keys(value, f"{path}{key}.")
    elif isinstance(doc, list):
        for item in doc:
            found |= keys(item, path.rstrip(".") + "[].")
    return found


@pytest.fixture
def repository(tmp_path) -> Path:
    """A fresh copy of the repository, as a new user has it after cloning."""
    copy = tmp_path / "claims"
    shutil.copytree(ROOT, copy, ignore=LEFT_OUT)
    return copy


@pytest.mark.parametrize("heading", SESSIONS)
def test_the_session_is_found_and_says_what_it_expects(heading):
    steps = session(heading=heading)
    assert len(steps) >= 10 and steps[0][0].startswith("export CLAIMS_NOW=")
    assert any(exit_code(shown) == 4 for _, shown in steps), "the session shows a refusal and its exit code"
    assert any("policy import examples/policies.json" in command for command, _ in steps)


@pytest.mark.parametrize("heading", SESSIONS)
def test_the_readme_sessions_run_as_written_from_the_repository_root(repository, heading):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "LC_", "LANG"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(repository))
    for command, shown in session(heading=heading):
        if command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            env[name] = value
            continue
        done = subprocess.run(["bash", "-c", command], cwd=repository, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == exit_code(shown), f"$ {command}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        if shown and shown[0].startswith(("{", "[")):
            printed = done.stdout if done.returncode == 0 else done.stderr
            assert keys(json.loads(printed)) == keys(json.loads(shown[0])), f"$ {command}: the keys differ from the README's"


def test_the_walkthrough_headings_are_plain_text_unless_on_a_terminal(tmp_path):
    """The script's own heading function, run with its output piped (as `bash examples/walkthrough.sh > out.txt` does)."""
    script = (ROOT / "examples" / "walkthrough.sh").read_text(encoding="utf-8")
    heading = "\n".join(line for line in script.splitlines() if line.startswith(("if [ -t 1 ]", "step()")))
    assert "step()" in heading and "-t 1" in heading
    piped = subprocess.run(["bash", "-c", heading + '\nstep "Set-up"'], capture_output=True, text=True, check=True).stdout
    assert piped == "\n## Set-up\n" and "\033" not in piped
    if shutil.which("script"):  # util-linux: run it on a pseudo-terminal
        seen = subprocess.run(["script", "-qec", f"bash -c {shlex.quote(heading + chr(10) + 'step Set-up')}", "/dev/null"],
                              capture_output=True, text=True, check=True).stdout
        assert "\033[1m## Set-up\033[0m" in seen


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_walkthrough_runs_to_the_end_in_either_language(repository, language):
    """The README's main job: the walk-through runs from a fresh copy to its last command, every refusal it expects is
    a refusal, nothing fails inside the tool; in Chinese the narration is Chinese too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "LC_", "LANG"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(repository), CLAIMS_LANG=language)
    done = subprocess.run(["bash", "examples/walkthrough.sh"], cwd=repository, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-2000:]
    assert "Traceback" not in out and "internal error" not in out and "内部错误" not in out and "expected a refusal" not in out
    headings = [line for line in done.stdout.splitlines() if line.startswith("## ")]
    assert len(headings) == 10, headings
    if language == "zh":
        assert all(re.search(r"[\u4e00-\u9fff]", heading) for heading in headings)
        assert "退出码 4" in done.stdout and "《保险法》" in done.stdout and "已领款" in done.stdout
    else:
        assert "→ exit 4" in done.stdout and "Insurance Law Art." in done.stdout
