"""`python -m bench run [--quick | --claims N] [--workdir DIR] [--keep] [--no-postgres | --postgres-only]`: build a book,
print the figures."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import book, figures
from bench.run import claims_cli, note, write_lines


@dataclass(frozen=True)
class Size:
    claims: int  # book claims, one per policy; as many policies
    ages: int  # template ages per scenario
    batch_claims: int  # claims walked through `claims batch` for the throughput figure (17 commits each)
    raw_commits: int
    runs: int  # cold runs per command (median)


QUICK = Size(claims=1_000, ages=1, batch_claims=20, raw_commits=1_000, runs=5)
FULL = Size(claims=100_000, ages=8, batch_claims=2_000, raw_commits=20_000, runs=11)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build a synthetic book and print each figure as a JSON line")
    run.add_argument("--quick", action="store_true", help="a small book for CI smoke (well under a minute)")
    run.add_argument("--claims", type=int, help="book size in claims (and policies); default 100000")
    run.add_argument("--workdir", type=Path, help="where to build (default: a temporary directory)")
    run.add_argument("--keep", action="store_true", help="keep the work directory (the book) afterwards")
    run.add_argument("--no-verify", action="store_true", help="leave out bench/verify_bench.py (it builds its own book)")
    which = run.add_mutually_exclusive_group()
    which.add_argument("--no-postgres", action="store_true", help="leave out the PostgreSQL figures (pg, pg_book, cold_before)")
    which.add_argument("--postgres-only", action="store_true", help="only the PostgreSQL figures")
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    if args.claims:
        size = Size(args.claims, size.ages, min(size.batch_claims, args.claims), size.raw_commits, size.runs)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="claims-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if not args.postgres_only:
            measure(workdir, size, quick=args.quick, verify=not args.no_verify)
        if not args.no_postgres:
            measure_postgres(workdir, quick=args.quick)
    finally:
        if args.keep or args.workdir:
            note(f"the book is in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def measure(workdir: Path, size: Size, quick: bool, verify: bool = True) -> None:
    started = time.perf_counter()
    db, now = workdir / "book.db", book.today_at()
    for leftover in [*workdir.glob("book.db*"), *workdir.glob("templates.db*")]:
        leftover.unlink()
    note(f"book of {size.claims} policies and claims in {workdir}")
    claims_cli(db, "init", "--training", now=now)
    claims_cli(db, "batch", str(write_lines(workdir / "users.jsonl", [{"args": words} for words in book.USERS])), now=now)
    for figure in figures.policy_import(db, book.book_policies(workdir, size.claims), size.claims):
        figures.emit(figure)

    plan = book.template_plan(size.ages)
    note(f"walking {len(plan)} template claims through `claims batch`")
    version = book.walk_templates(workdir, plan)
    note(f"cloning {size.claims} claims (settings version {version[:12]})")
    samples = book.clone_book(db, plan, size.claims)

    lines = book.throughput_lines(size.claims + 1, size.batch_claims)
    note(f"throughput: {len(lines)} commands through `claims batch`")
    batch_file = write_lines(workdir / "throughput.jsonl", lines)
    figures.emit(figures.throughput(db, batch_file, now, workdir / "raw.db", size.raw_commits))

    note(f"cold start: median of {size.runs} runs each")
    for figure in figures.cold_figures(db, samples["investigating"], size.runs, size.claims, warm_up=not quick):
        figures.emit(figure)

    if verify:
        note("audit verify: bench/verify_bench.py")
        for figure in figures.verify_figures(quick):
            figures.emit(figure)
    note(f"done in {time.perf_counter() - started:.0f} s")


def measure_postgres(workdir: Path, quick: bool) -> None:
    """The PostgreSQL figures, each group on its own: one that cannot run is reported as a failed line, the rest go on."""
    from bench import cold_before, pg, pg_book

    started = time.perf_counter()
    try:
        with pg.server() as admin_url:
            databases = pg.Databases(admin_url)
            try:
                _group("pg", lambda: pg.measure(databases, workdir, pg.QUICK if quick else pg.FULL))
                _group("pg_verify", lambda: pg_book.figures(databases, workdir, 100 if quick else 100_000, 2 if quick else 3))
            finally:
                databases.close()
    except Exception as exc:  # noqa: BLE001 - no server: say so in the figures, and go on
        _failed("pg_server", exc)
    _group("cold_before", lambda: cold_before.figures(workdir, 5 if quick else 21))
    note(f"PostgreSQL figures done in {time.perf_counter() - started:.0f} s")


def _group(name: str, measure_group) -> None:
    try:
        for figure in measure_group():
            figures.emit(figure)
    except Exception as exc:  # noqa: BLE001 - reported as the group's figure, met: false
        _failed(name, exc)


def _failed(name: str, exc: Exception) -> None:
    figures.emit({"name": name, "value": None, "unit": None, "reference": None, "reference_name": None, "ratio": None,
                  "target": None, "met": False, "error": f"{type(exc).__name__}: {exc}"[-2000:]})


if __name__ == "__main__":
    raise SystemExit(main())
