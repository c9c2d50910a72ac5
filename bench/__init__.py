"""The benchmark suite of issue 4: `python -m bench run [--quick | --claims N]`.

Builds a synthetic book (bench/book.py), then prints one JSON line per figure on stdout:
``{"name", "value", "unit", "reference", "reference_name", "ratio", "target", "met"}``, each
reference measured in the same run (bench/figures.py). Progress goes to stderr. Timings are
for the record only: no test asserts one.
"""
