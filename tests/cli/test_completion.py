"""Shell completion (docs/cli.md, Shell completion), through the real mechanism: the `claims` program run the way the
scripts of `claims --show-completion` run it (bash: `_CLAIMS_COMPLETE=complete_bash`, `COMP_WORDS`, `COMP_CWORD`;
fish and zsh: `_TYPER_COMPLETE_ARGS`), and bash itself running the installed function.

A claim argument offers claim ids, open claims first; a document type the catalogue; `--as` the registered users; all
read from the database the partial line names, without the heavy modules, and never with a traceback."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from claims.materials import DOCUMENT_TYPES
from claims.quick_reads import claim_ids, user_names

ROOT = Path(__file__).resolve().parents[2]
CLAIMS_EXE = Path(sys.executable).parent / "claims"
USERS = ["admin", "li", "qian", "sun", "wang", "zhao"]


def environment(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMS_", "_CLAIMS", "_TYPER", "COMP_", "LC_", "LANG"))}
    env.update(PYTHONPATH=str(ROOT), PATH=f"{CLAIMS_EXE.parent}{os.pathsep}{env.get('PATH', '')}", **more)
    return env


def bash(line: str, cwd: Path | None = None, **env: str) -> list[str]:
    """What `claims` offers bash for the last word of `line` (a trailing space: a new, empty word)."""
    words = shlex.split(line)
    cword = len(words) if line.endswith(" ") else len(words) - 1
    done = subprocess.run([str(CLAIMS_EXE)], env=environment(_CLAIMS_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(cword),
                                                             **env), capture_output=True, text=True, timeout=60, cwd=cwd)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return [word for word in done.stdout.split("\n") if word]


def fish(line: str, **env: str) -> list[tuple[str, str]]:
    """What `claims` offers fish: (value, help) pairs, as the script of `claims --show-completion fish` asks."""
    done = subprocess.run([str(CLAIMS_EXE)], env=environment(_CLAIMS_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                                                             _TYPER_COMPLETE_ARGS=line, **env), capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return [tuple((entry.split("\t") + [""])[:2]) for entry in done.stdout.split("\n") if entry]


@pytest.fixture
def book(claims, walk):
    """Three claims: CLM-000001 withdrawn, CLM-000002 and CLM-000003 open; the target to complete against."""
    for day in (25, 26, 27):
        walk.critical_illness("reported", event=f"2026-04-{day}")
    claims.ok("withdraw", "CLM-000001", "--reason", "the claimant withdrew", as_="li")
    return str(claims.db)


# claim ids ------------------------------------------------------------------------------------
def test_a_claim_argument_offers_claim_ids_open_claims_first(book):
    assert bash(f"claims --db {book} status ") == ["CLM-000002", "CLM-000003", "CLM-000001"]
    assert bash(f"claims --db {book} status CLM-000003") == ["CLM-000003"]
    assert bash(f"claims --db {book} status CLM-9") == []


@pytest.mark.parametrize("line", ["claims status --db {db} CLM-", "claims --db={db} pay CLM-", "claims --as li --db {db} replay CLM-",
                                  "claims --db {db} audit verify --claim CLM-", "claims --db {db} --json attach CLM-"])
def test_every_claim_argument_and_option_reads_the_database_the_line_names(book, line):
    assert bash(line.format(db=book)) == ["CLM-000002", "CLM-000003", "CLM-000001"]


def test_without_db_on_the_line_claims_db_then_the_default_are_read(book, tmp_path):
    assert bash("claims status CLM-", CLAIMS_DB=book) == ["CLM-000002", "CLM-000003", "CLM-000001"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert bash("claims status CLM-", cwd=elsewhere) == []  # claims.db in the current folder: there is none
    assert not (elsewhere / "claims.db").exists()


def test_fish_is_offered_each_claim_with_its_state(book):
    assert fish(f"claims --db {book} history ") == [("CLM-000002", "reported"), ("CLM-000003", "reported"), ("CLM-000001", "withdrawn")]


def test_zsh_is_offered_each_claim_with_its_state(book):
    env = environment(_CLAIMS_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=f"claims --db {book} docs ")
    done = subprocess.run([str(CLAIMS_EXE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and '"CLM-000002":"reported"' in done.stdout and '"CLM-000001":"withdrawn"' in done.stdout


def test_the_help_beside_each_offer_is_in_the_language_the_environment_chooses(book):
    """The completing shell passes no --lang: CLAIMS_LANG, LC_ALL or LANG choose (docs/cli.md, Languages); the values
    offered stay the ones a command takes."""
    assert fish(f"claims --db {book} history ", CLAIMS_LANG="zh")[0] == ("CLM-000002", "已报案")
    assert ("qian", "稽核") in fish(f"claims --db {book} list --as ", LANG="zh_CN.UTF-8")
    assert ("diagnosis_certificate", "诊断证明书") in fish(f"claims --db {book} attach CLM-000002 dia", LC_ALL="zh_CN.UTF-8")
    assert fish(f"claims --db {book} history ", CLAIMS_LANG="xx") == []  # a language it cannot read: silence, not an error


# document types, users ------------------------------------------------------------------------
def test_a_document_type_argument_offers_the_catalogue(book):
    assert bash(f"claims --db {book} attach CLM-000002 ") == list(DOCUMENT_TYPES)
    assert bash(f"claims --db {book} attach CLM-000002 dia") == ["diagnosis_certificate"]
    assert bash(f"claims --db {book} request CLM-000002 itemi") == ["itemized_bill"]
    assert ("death_certificate", DOCUMENT_TYPES["death_certificate"]) in fish(f"claims --db {book} attach CLM-000002 ")


def test_as_offers_the_registered_users_before_or_after_the_command(book):
    assert bash(f"claims --db {book} --as ") == USERS
    assert bash(f"claims --db {book} status --as w") == ["wang"]
    assert ("qian", "auditor") in fish(f"claims --db {book} list --as ")
    assert bash(f"claims --db {book} user role z") == ["zhao"]


def test_commands_options_and_choices_complete_too(book):
    assert bash("claims inv") == ["investigate"]
    assert bash(f"claims --db {book} decide CLM-000002 ") == ["approve", "partial", "decline"]
    assert bash("claims --lang ") == ["zh", "en"]


# nothing to read: nothing offered, never a traceback --------------------------------------------
@pytest.mark.parametrize("target", ["{tmp}/missing.db", "{tmp}/junk.db", "{tmp}", "sqlite:///{tmp}/missing.db", "mysql://x@localhost/db",
                                    "postgresql://nobody@127.0.0.1:1/claims"])
def test_an_unreadable_database_offers_nothing_and_prints_no_error(tmp_path, target):
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    target = target.format(tmp=tmp_path)
    assert bash(f"claims --db {target} status CLM-") == []
    assert bash(f"claims --db {target} status --as ") == []
    assert not (tmp_path / "missing.db").exists()


def test_a_completion_imports_neither_the_engine_nor_rich_nor_sqlalchemy(book):
    code = ("import sys\n"
            "from cli.main import main\n"
            "main([])\n"
            "sys.stdout.write(repr(sorted(m for m in ('transitions', 'rich', 'sqlalchemy', 'sqlmodel', 'workflows', 'claims.storage')"
            " if m in sys.modules)))\n")
    env = environment(_CLAIMS_COMPLETE="complete_bash", COMP_WORDS=f"claims --db {book} status CLM-", COMP_CWORD="4")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.endswith("[]") and "CLM-000002" in out


# the scripts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shell, marker", [("bash", "_CLAIMS_COMPLETE=complete_bash"), ("zsh", "#compdef claims"),
                                           ("fish", "_CLAIMS_COMPLETE=complete_fish")])
def test_show_completion_prints_the_script_of_the_shell_named(shell, marker):
    done = subprocess.run([str(CLAIMS_EXE), "--show-completion", shell], env=environment(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and marker in done.stdout


def test_show_completion_of_an_unknown_shell_is_bad_input():
    done = subprocess.run([str(CLAIMS_EXE), "--show-completion", "tcsh"], env=environment(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "bash, zsh or fish" in done.stderr


def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path):
    done = subprocess.run([str(CLAIMS_EXE), "--install-completion", "bash"], env=environment(HOME=str(tmp_path)), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "claims.sh"
    assert "_CLAIMS_COMPLETE=complete_bash" in script.read_text() and str(script) in (tmp_path / ".bashrc").read_text()


def test_bash_itself_completes_through_the_installed_function(book):
    """The script of `claims --show-completion bash`, sourced by bash, asked as Tab asks it."""
    program = (f"source <(claims --show-completion bash)\n"
               f"COMP_WORDS=(claims --db {shlex.quote(book)} status CLM-00); COMP_CWORD=4\n"
               "_claims_completion claims\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run(["bash", "-c", program], env=environment(), capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["CLM-000002", "CLM-000003", "CLM-000001"], done.stderr


# the reads themselves, on either back end -------------------------------------------------------
def test_the_quick_reads_answer_on_either_back_end(book):
    assert claim_ids(book) == [("CLM-000002", "reported"), ("CLM-000003", "reported"), ("CLM-000001", "withdrawn")]
    assert claim_ids(book, "CLM-000001") == [("CLM-000001", "withdrawn")]
    assert claim_ids(book, limit=2) == [("CLM-000002", "reported"), ("CLM-000003", "reported")]
    assert [name for name, _ in user_names(book)] == USERS and user_names(book, "q") == [("qian", "auditor")]
    assert claim_ids(book, "%") == [] and user_names(book, "_") == []  # what is typed is text, not a pattern
