"""Every command documents itself: help for each option and argument with its format, an example, the global options
(docs/cli.md), `-h` as `--help`, `--version`; and docs/cli.md names every command and option of the click tree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import command_tree as tree
from cli_support import leaves, run_main

from claims.materials import DOCUMENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
GLOBAL_OPTIONS = ("--db", "--as", "--json", "--lang", "--version")
COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def own_params(command):
    return [param for param in command.params if param.name not in ("install_completion", "show_completion")]


def helped(*words: str) -> str:
    result = run_main([*words, "--help"], {"COLUMNS": "100"})
    assert result.code == 0, result.err
    return result.out


def test_every_command_group_option_and_argument_has_help():
    lacking = []
    for path, command in tree():
        name = " ".join(("claims", *path))
        if not (command.help or "").strip():
            lacking.append(name)
        lacking += [f"{name} {param.name}" for param in own_params(command) if not (getattr(param, "help", None) or "").strip()]
    assert lacking == []


def test_every_command_has_an_example_as_typed():
    missing = [" ".join(path) for path, command in leaves() if not re.search(r"Example:\s+claims ", command.epilog or "")]
    assert missing == []


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in tree()], ids=lambda p: p or "claims")
def test_every_help_shows_the_global_options_and_takes_dash_h(path):
    words = path.split()
    text = helped(*words)
    section = text.split("Global options (before or after the command):", 1)[1]
    assert all(re.search(rf"^\s+{option}\b", section, re.M) for option in GLOBAL_OPTIONS), text
    assert run_main([*words, "-h"], {"COLUMNS": "100"}).out == text


@pytest.mark.parametrize("option, shown", [("--event-date", "YYYY-MM-DD"), ("--late-reason", "after the reporting window")])
def test_report_help_gives_the_formats(option, shown):
    line = " ".join(helped("report").split())
    assert re.search(rf"{option} \S+ [^-]*{re.escape(shown)}", line), line


@pytest.mark.parametrize("words, option", [(("decide",), "--amount"), (("pay",), "--amount"), (("user", "add"), "--limit"),
                                           (("user", "role"), "--limit")])
def test_amounts_are_described_with_their_format(words, option):
    text = " ".join(helped(*words).split())
    assert f"{option} AMOUNT" in text and "a positive amount, at most two decimals, e.g. 60000 or 1234.50" in text


def test_dates_and_timestamps_are_described_with_their_format():
    assert "--id-expires DATE the ID's expiry date: YYYY-MM-DD" in " ".join(helped("apply").split())
    replay = " ".join(helped("replay").split())
    assert "--as-of TIMESTAMP" in replay and "2026-05-01T09:00:00+08:00" in replay and "YYYY-MM-DD" in replay


def test_decide_help_says_what_each_outcome_requires():
    text = " ".join(helped("decide").split())
    assert "Every outcome needs --reason" in text
    assert "approve and partial need --amount" in text
    assert "decline needs --ground" in text


def test_attach_help_lists_every_document_type():
    text = " ".join(helped("attach").split())
    assert all(name in text for name in DOCUMENT_TYPES)


def test_attach_help_reads_the_document_types_of_the_catalogue():
    """A document type added to claims.materials appears in the help without a change to the CLI."""
    code = ("import claims.materials as m\n"
            "m.DOCUMENT_TYPES['court_judgment'] = 'a court judgment'\n"
            "from cli.main import main\n"
            "main(['attach', '--help'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "COLUMNS": "200", "PATH": "/usr/bin:/bin"}).stdout
    assert "court_judgment" in out


def test_version_prints_the_version_and_exits_0():
    from importlib.metadata import version

    result = run_main(["--version"], {})
    assert (result.code, result.out) == (0, f"claims {version('claims')}\n")
    assert json.loads(run_main(["--version", "--json"], {}).out) == {"version": version("claims")}
    assert run_main(["status", "--version"], {}).out == result.out


def test_completion_options_name_the_shells():
    text = helped()
    assert all(f"{option} [bash|zsh|fish]" in text for option in COMPLETION_OPTIONS)


@pytest.mark.parametrize("argv, env", [(["--lang", "fr", "diagram"], {}), (["--lang=", "diagram"], {}),
                                       (["diagram"], {"CLAIMS_LANG": "fr"})])
def test_a_language_other_than_zh_or_en_is_bad_input(argv, env):
    result = run_main(argv, {"CLAIMS_DB": "/nonexistent/claims.db", **env})
    assert result.code == 2 and ("zh or en" in result.err), result.err


def test_lang_is_accepted_before_or_after_the_command(claims):
    assert claims.ok("--lang", "zh", "list", as_="wang").json == []
    assert claims.ok("list", "--lang=en", as_="wang").json == []


# docs/cli.md ------------------------------------------------------------------------------------
DOCS = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in tree() if path], ids=str)
def test_docs_cli_md_names_every_command(path):
    assert f"claims {path}" in DOCS or f"`{path}" in DOCS, f"docs/cli.md does not mention `claims {path}`"


def test_docs_cli_md_names_every_option():
    missing = sorted({f"{' '.join(path)} {opt}" for path, command in leaves() for param in own_params(command)
                      for opt in getattr(param, "opts", []) if opt.startswith("--") and opt not in DOCS})
    assert missing == []


def test_docs_cli_md_names_the_global_and_completion_options():
    assert all(option in DOCS for option in (*GLOBAL_OPTIONS, *COMPLETION_OPTIONS, "CLAIMS_DB", "CLAIMS_USER", "CLAIMS_LANG", "-h"))


def test_the_readme_links_docs_cli_md():
    assert "(docs/cli.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
