"""Medians of the figures of several end-to-end runs, as the Markdown table of docs/benchmarks/e2e.md.
Each input is a figures.tsv that run.sh leaves in e2e/target/e2e-logs/ (phase, what, value, unit).
A figure measured more than once in one run (e.g. per phase) counts once per measurement.
usage: figures-median.py RUN1/figures.tsv [RUN2/figures.tsv ...]"""
import statistics
import sys
from collections import OrderedDict


def read(paths):
    figures = OrderedDict()
    for run, path in enumerate(paths):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 4:
                    continue
                phase, what, value, unit = parts
                figures.setdefault((phase, what, unit), []).append((run, value))
    return figures


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    paths = sys.argv[1:]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"| phase | what | median | unit | n | min – max |")
    print("|---|---|---|---|---|---|")
    for (phase, what, unit), values in read(paths).items():
        numbers = [number(v) for _, v in values]
        if all(n is not None for n in numbers):
            median = statistics.median(numbers)
            spread = f"{min(numbers):.3g} – {max(numbers):.3g}" if len(numbers) > 1 else ""
            print(f"| {phase} | {what} | {median:.3g} | {unit} | {len(numbers)} | {spread} |")
        else:
            texts = sorted({v for _, v in values})
            print(f"| {phase} | {what} | {' / '.join(texts)} | | {len(values)} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
