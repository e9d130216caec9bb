#!/usr/bin/env python3
"""Turns the JMH JSON of CronNextFireBenchmark / CronParseBenchmark into the markdown tables of
docs/BENCHMARKS.md.

Usage: python3 benchmarks/report.py /tmp/cron-bench.json [--target 1.5] > /tmp/cron-bench.md

Every figure is copied from the JSON (score ± scoreError, the 99.9% confidence half-width JMH
reports). "fastest peer / ours" is the fastest peer's score divided by ours: above 1 means ours is
faster. The figure in brackets is the worst case inside both error bars, (peer - error) /
(ours + error). The verdict is "yes" when even that worst case reaches the target, "mean only" when
only the ratio of the means does, and "NO" otherwise. A cell is "n/a" when the JSON holds no result
for that implementation and case (a peer that does not accept the expression has no result).
"""

import argparse
import json
import math
import sys

NEXT = "io.scripttask.benchmarks.CronNextFireBenchmark"
PARSE = "io.scripttask.benchmarks.CronParseBenchmark"
OURS = [("oursZoned", "ours next(ZonedDateTime)"), ("oursInstant", "ours next(Instant, ZoneId)")]
PEERS = [("spring", "Spring"), ("quartz", "Quartz"), ("cronUtils", "cron-utils"),
         ("jobRunr", "JobRunr")]
# a reference measurement, not a peer: JDK ZonedDateTime.ofInstant, the floor of any API returning one
REFERENCE = [("jdkZonedDateTimeOfInstant", "JDK ZonedDateTime.ofInstant (reference)")]
EXPRESSIONS = ["0 */5 * * * *", "0 0 9-17 * * MON-FRI", "0 0 0 L * *", "0 30 2 * * *"]
ZONES = ["Europe/Berlin", "America/New_York"]


def load(path):
    with open(path, encoding="utf-8") as f:
        runs = json.load(f)
    results = {}
    for run in runs:
        cls, _, method = run["benchmark"].rpartition(".")
        params = run.get("params", {})
        metric = run["primaryMetric"]
        if metric["scoreUnit"] != "ns/op":
            sys.exit(f"{run['benchmark']}: expected ns/op, got {metric['scoreUnit']}")
        key = (cls, method, params.get("expression"), params.get("zone"))
        error = metric.get("scoreError")
        if error is None or (isinstance(error, float) and math.isnan(error)) or error == "NaN":
            error = float("nan")
        results[key] = (float(metric["score"]), float(error))
    return results


def cell(result):
    if result is None:
        return "n/a"
    score, error = result
    if math.isnan(error):
        return f"{score:,.1f}"
    return f"{score:,.1f} ± {error:,.1f}"


def ratio(peer, ours):
    """Fastest peer / ours, and the worst case inside both error bars."""
    p, pe = peer
    o, oe = ours
    pe = 0.0 if math.isnan(pe) else pe
    oe = 0.0 if math.isnan(oe) else oe
    return p / o, max(p - pe, 0.0) / (o + oe)


def verdict(r, target):
    mid, worst = r
    if worst >= target:
        return "yes"
    if mid >= target:
        return "mean only"
    return "**NO**"


def table(results, cls, zones, target):
    """Returns (scores table, ratio table) as lists of markdown lines."""
    ours_cols = OURS if cls == NEXT else [("ours", "ours parse")]
    key_head = ["expression"] + (["zone"] if zones != [None] else [])
    refs = [(m, label) for m, label in REFERENCE if any(k[:2] == (cls, m) for k in results)]
    scores = key_head + [label for _, label in ours_cols] + [label for _, label in PEERS]
    scores += [label for _, label in refs]
    ratios = key_head + ["fastest peer"]
    for _, label in ours_cols:
        ratios += [f"fastest peer / {label} (worst case)", f"≥ {target:g}×?"]
    score_lines = ["| " + " | ".join(scores) + " |", "|" + "---|" * len(scores)]
    ratio_lines = ["| " + " | ".join(ratios) + " |", "|" + "---|" * len(ratios)]
    for expr in EXPRESSIONS:
        for zone in zones:
            def get(method):
                return results.get((cls, method, expr, zone))

            key = [f"`{expr}`"] + ([zone] if zone is not None else [])
            row = key + [cell(get(m)) for m, _ in ours_cols] + [cell(get(m)) for m, _ in PEERS]
            row += [cell(get(m)) for m, _ in refs]
            score_lines.append("| " + " | ".join(row) + " |")

            row = list(key)
            peers = [(get(m), label) for m, label in PEERS if get(m) is not None]
            if not peers:
                row += ["n/a"] + ["n/a", "n/a"] * len(ours_cols)
                ratio_lines.append("| " + " | ".join(row) + " |")
                continue
            fastest, fastest_label = min(peers, key=lambda p: p[0][0])
            row.append(f"{fastest_label} ({cell(fastest)})")
            for m, _ in ours_cols:
                ours = get(m)
                if ours is None:
                    row += ["n/a", "n/a"]
                    continue
                r = ratio(fastest, ours)
                row += [f"{r[0]:.2f}× ({r[1]:.2f}×)", verdict(r, target)]
            ratio_lines.append("| " + " | ".join(row) + " |")
    return score_lines, ratio_lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", help="JMH result file written with -rf json")
    parser.add_argument("--target", type=float, default=1.5,
                        help="required fastest-peer/ours ratio (default 1.5)")
    args = parser.parse_args()
    results = load(args.json)
    out = []
    for cls, zones, title in [(NEXT, ZONES, "Next fire time"), (PARSE, [None], "Parse")]:
        if any(k[0] == cls for k in results):
            scores, ratios = table(results, cls, zones, args.target)
            out += [f"### {title}: ns/op ± 99.9% error, lower is better", ""] + scores + [""]
            out += [f"### {title}: fastest peer / ours, higher is better", ""] + ratios + [""]
    if not out:
        sys.exit(f"{args.json}: no CronNextFireBenchmark or CronParseBenchmark results")
    print("\n".join(out))


if __name__ == "__main__":
    main()
