"""Run the benchmarks: `python -m bench` runs them all, `python -m bench coldstart sweep` some."""

from __future__ import annotations

import importlib
import sys
import time
import traceback

from bench import BENCHMARKS
from bench.common import machine_line


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Choose among: {', '.join(BENCHMARKS)}.")
        return 2
    print(machine_line())
    crashed: list[str] = []
    started = time.perf_counter()
    for name in names:
        print(f"\n{'=' * 100}\n{name}\n{'=' * 100}", flush=True)
        began = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # a broken harness is reported, and the other benchmarks still run
            traceback.print_exc()
            crashed.append(name)
        print(f"\n[{name}: {time.perf_counter() - began:.0f} s]", flush=True)
    print(f"\nAll done in {time.perf_counter() - started:.0f} s.")
    if crashed:
        # Only a harness error fails: a slow figure never does.
        print(f"Benchmark(s) that crashed (harness error, not a timing): {', '.join(crashed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
