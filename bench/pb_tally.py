"""Benchmark: parse and count real .pb files with Engage's engine and with pabutools.

Each measurement runs in a fresh Python process, so "peak MB" is that process's
peak resident memory (interpreter included) and nothing is cached between runs.
Files (from ../shared/pabulib unless --data says otherwise):

- Warsaw 2026 (61,668 voters, greedy-threshold): target under 1 s;
- Wieliczka 2023 (equalshares/add1-comparison): target under 1 s;
- the largest shared file by voters, and Assen 2024 (equalshares/add1);
- the largest file with every ballot cast twice (a stand-in for ~130,000 voters);

Targets for files of about 130,000 voters: under 3 s; peak memory under 300 MB.

    .venv/bin/python bench/pb_tally.py                  # the engine only (seconds)
    .venv/bin/python bench/pb_tally.py --reference      # also pabutools (minutes)
    .venv/bin/python bench/pb_tally.py --reference --timeout 300

pabutools is run the way that reproduces each official rule: greedy with cost
satisfaction (projects below a score threshold removed first), and for add1
``exhaustion_by_budget_increase(method_of_equal_shares, exhaustive_stop=False,
budget_step=<voters>)`` followed by the comparison with greedy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "pabulib"
NAMED = [
    "Poland_Warszawa_2026.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Netherlands_Assen_2024.pb",
]


def engine(path: str, rule: str) -> list[str]:
    from engage.pb import counting, pabulib

    return list(counting.count(pabulib.to_election(pabulib.read(path)), rule).selected)


def reference(path: str, rule: str) -> list[str]:
    from pabutools.election import Cost_Sat, Instance, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile = parse_pabulib(path)
    if rule.startswith("greedy"):
        if rule == "greedy-threshold":
            threshold = int(instance.meta.get("min_project_score_threshold", 0))
            eligible = [p for p in instance if profile.approval_score(p) >= threshold]
            instance = Instance(eligible, budget_limit=instance.budget_limit)
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        return [p.name for p in outcome]
    outcome = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        rule_params={"sat_class": Cost_Sat},
        exhaustive_stop=False,
        budget_step=profile.num_ballots(),
    )
    if rule.endswith("-comparison"):
        greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        shares, most = set(outcome), set(greedy)
        for_greedy = for_shares = 0
        for ballot in profile:
            a, b = len(most & set(ballot)), len(shares & set(ballot))
            for_greedy += a > b
            for_shares += b > a
        if for_greedy > for_shares:
            outcome = greedy
    return [p.name for p in outcome]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(which: str, path: str, rule: str) -> None:
    # A child inherits its parent's peak at fork: reset it (Linux) so the figure is ours.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    # Imports are not part of parse+count (engage.pb's package brings in Flask and
    # SQLAlchemy): load them first and report the memory they take as the baseline.
    if which == "engine":
        import engage.pb.counting
        import engage.pb.pabulib  # noqa: F401
    else:
        import pabutools.election
        import pabutools.rules  # noqa: F401
    base_mb = peak_mb()
    # The engine is timed three times and the best kept (the machine is shared);
    # pabutools once (it takes minutes).
    seconds = float("inf")
    for _ in range(3 if which == "engine" else 1):
        start = time.perf_counter()
        selected = (engine if which == "engine" else reference)(path, rule)
        seconds = min(seconds, time.perf_counter() - start)
    result = {"seconds": seconds, "peak_mb": peak_mb(), "base_mb": base_mb, "heap_mb": None}
    if which == "engine":
        # Again under tracemalloc (slower, not timed): the Python heap the count needs.
        tracemalloc.start()
        engine(path, rule)
        result["heap_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(json.dumps({**result, "selected": sorted(selected)}))


def measure(which: str, path: Path, rule: str, timeout: float) -> dict | None:
    command = [sys.executable, __file__, "--worker", which, str(path), rule]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            command, capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def doubled(path: Path, into: Path) -> Path:
    """The election with every ballot cast twice (new voter ids): a stand-in for the
    ~130,000-voter files (Wrocław 2015) that are not in the shared set."""
    from engage.pb import pabulib

    pb = pabulib.read(path)
    votes = list(pb.votes())
    copies = [{**vote, "voter_id": f"{vote['voter_id']}-2"} for vote in votes]
    projects = [
        {k: v for k, v in row.items() if k not in ("votes", "score")}
        for row in pb.projects.values()
    ]
    target = into / f"{path.stem}_doubled.pb"
    target.write_text(pabulib.write(pb.meta, projects, votes + copies), encoding="utf-8")
    return target


def files(data: Path, scratch: Path) -> list[tuple[Path, str, int]]:
    from engage.pb import counting, pabulib

    chosen = []
    sizes = []
    for path in sorted(data.glob("*.pb")):
        pb = pabulib.read(path)
        sizes.append((len(pb.ballots), path))
        if path.name in NAMED:
            chosen.append((path, pb.rule, len(pb.ballots)))
    voters, largest = max(sizes)
    pb = pabulib.read(largest)
    rule = pb.rule if pb.rule in counting.RULES else "greedy"
    if all(largest != p for p, _, _ in chosen):
        chosen.append((largest, rule, voters))
    chosen.append((doubled(largest, scratch), rule, 2 * voters))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--reference", action="store_true", help="also time pabutools")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per pabutools run")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    print("MB: peak resident memory of the process (in brackets: after imports);")
    print("heap: the engine's peak Python allocations during parse+count (tracemalloc)")
    header = f"{'file':42} {'voters':>7} {'rule':28} {'engine s':>8} {'MB':>9} {'heap':>5}"
    if args.reference:
        header += f" {'pabutools s':>11} {'MB':>9} {'ratio':>6} agree"
    print(header)
    scratch = Path(tempfile.mkdtemp(prefix="pb_tally_"))
    for path, rule, voters in files(args.data, scratch):
        mine = measure("engine", path, rule, timeout=600)
        assert mine is not None
        line = (
            f"{path.stem[:42]:42} {voters:>7,} {rule:28} "
            f"{mine['seconds']:>8.2f} {mine['peak_mb']:>4.0f} ({mine['base_mb']:.0f})"
            f" {mine['heap_mb']:>5.0f}"
        )
        if args.reference:
            theirs = measure("reference", path, rule, timeout=args.timeout)
            if theirs is None:
                ratio = format(args.timeout / mine["seconds"], ".0f")
                line += f" {'> ' + format(args.timeout, '.0f'):>11} {'':>9} {'>' + ratio:>6}"
            else:
                line += (
                    f" {theirs['seconds']:>11.1f}"
                    f" {theirs['peak_mb']:>4.0f} ({theirs['base_mb']:.0f})"
                    f" {theirs['seconds'] / mine['seconds']:>6.0f}"
                    f" {'yes' if theirs['selected'] == mine['selected'] else 'NO'}"
                )
        print(line, flush=True)
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
