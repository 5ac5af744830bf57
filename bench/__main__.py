"""``python -m bench`` (``make bench``): generate both scales (once), load the pages at each scale
against the floor, print the cost growth, run the load-consistency check, then the council-draw
benchmark when ``bench/draw.py`` exists. Exit status 1 when the load-consistency check fails."""

from __future__ import annotations

import argparse
import importlib.util
import sys

from . import generate, loadcheck, pages
from .settings import SCALES


def run_draw_benchmark() -> int:
    """``bench/draw.py``'s entry point (``main()``), when that module exists."""
    if importlib.util.find_spec("bench.draw") is None:
        print("Draw benchmark: bench/draw.py not present, skipped")
        return 0
    from . import draw  # type: ignore[attr-defined]

    entry = getattr(draw, "main", None)
    if entry is None:
        print("Draw benchmark: bench/draw.py has no main(); run `python -m bench.draw`")
        return 0
    result = entry([]) if entry.__code__.co_argcount else entry()
    return int(result or 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Civique's benchmarks: data, pages under load, load-consistency check, draw.")
    parser.add_argument("--scales", default="city,metropolis",
                        help="comma-separated sizes (city, metropolis, tiny); default city,metropolis")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the bench databases")
    parser.add_argument("--skip-pages", action="store_true", help="no data generation, no page load")
    parser.add_argument("--skip-loadcheck", action="store_true", help="no load-consistency check")
    parser.add_argument("--skip-draw", action="store_true", help="do not run bench/draw.py")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.scales.split(",") if name.strip()]
    unknown = [name for name in names if name not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(unknown)}")
    status = 0
    output: dict = {}
    if not args.skip_pages:
        pages.wrk_binary()
        for name in names:
            generate.generate(SCALES[name], force=args.regenerate)
        runs = []
        for name in names:
            print(f"Pages under load at scale {name}")
            runs.append(pages.run_scale(SCALES[name], args.duration))
        output["runs"] = runs
        print()
        for run in runs:
            print(pages.table(run))
            print()
        if len(runs) >= 2:
            rows = pages.growth(runs[0], runs[-1])
            output["growth"] = rows
            print(pages.growth_table(runs[0]["scale"], runs[-1]["scale"], rows))
            print()
    if not args.skip_loadcheck:
        print("Load-consistency check (two instances, PostgreSQL + Redis)")
        report = loadcheck.run()
        output["loadcheck"] = report
        print(loadcheck.summary(report))
        status = 0 if report["passed"] else 1
    if output:
        print("saved", pages.save("bench", output))
    if not args.skip_draw:
        status = max(status, run_draw_benchmark())
    return status


if __name__ == "__main__":
    sys.exit(main())
