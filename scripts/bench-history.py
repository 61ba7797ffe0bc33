#!/usr/bin/env python3
"""scripts/bench-history.py - benchmark history, plots and the results report.

  bench-history.py append [--since EPOCH] [JSON ...]
        add the figures of full-run results (default bench/results/*.json) to
        bench/history/<suite>.csv; --quick results and files written before
        EPOCH (the start of the bench run) are left out; a run already in the
        history (same date and figure) is not added twice
  bench-history.py backfill [--rev REV] [--repo DIR]
        add the runs whose results tables docs/benchmarks.md carried in git
        (every commit that changed it, from REV, default HEAD) and say how
        many rows could not be parsed
  bench-history.py plot [--last N]
        draw docs/plots/<suite>.svg with gnuplot for every suite in the
        history: per figure with a target, ratio median / target over the
        last N runs (default 40), p10/p90 as error bars; exits 0 (saying so)
        when gnuplot is not installed
  bench-history.py report
        regenerate the results section of docs/benchmarks.md (between its
        BEGIN/END markers) from bench/results/*.json and link the plots

scripts/bench.sh calls append + plot + report after a full run and plot +
report for --report. Python 3 standard library only (Debian 12's python3).
"""
import argparse
import csv
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
HISTORY = os.path.join(ROOT, "bench", "history")
PLOTS = os.path.join(ROOT, "docs", "plots")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
BEGIN, END = "<!-- BEGIN RESULTS (scripts/bench.sh) -->", "<!-- END RESULTS -->"

COLUMNS = ["date", "rev", "figure", "ours", "baseline", "unit", "ratio_median", "ratio_p10",
           "ratio_p90", "target_on", "target_cmp", "target_value", "target_text", "status",
           "source"]
PANEL_MAX = 6  # figures per plot panel


# ---------------------------------------------------------------------------
# Shared helpers


def num(v):
    """A number the way the report prints it (3 significant digits)."""
    if v is None:
        return "-"
    a = abs(v)
    if a != 0 and (a >= 1e6 or a < 0.01):
        return "%.3g" % v
    if a >= 100:
        return "%.0f" % v
    return "%.3g" % v


def fnum(s):
    """CSV / table cell -> float or None."""
    if s is None:
        return None
    s = str(s).strip()
    if s in ("", "-", "None", "null", "nan"):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def cell(v):
    return "" if v is None else ("%.6g" % v if isinstance(v, float) else str(v))


def judge(f):
    """(status, why) of a JSON figure. A figure with a target but nothing to
    compare with it (no ratio for a ratio target, no value for an absolute
    one) was not measured: that is a failure, whatever the harness said."""
    st = f.get("status") or "info"
    t = f.get("target")
    r = f.get("ratio") or {}
    if st == "failed":
        return "failed", f.get("note") or "the bench marked it failed"
    if t:
        if t.get("on") == "ratio" and r.get("median") is None:
            if not f.get("baseline_name"):
                return "failed", "no ratio (no baseline) for a target on the ratio"
            return "failed", "no ratio measured (target on the ratio)"
        if t.get("on") == "ours" and f.get("ours") is None:
            return "failed", "no value measured"
    return st, ""


def history_path(suite):
    return os.path.join(HISTORY, "%s.csv" % suite)


def read_history(suite):
    p = history_path(suite)
    if not os.path.exists(p):
        return []
    with open(p, newline="") as fp:
        return list(csv.DictReader(fp))


def write_history(suite, rows):
    os.makedirs(HISTORY, exist_ok=True)
    # Runs in date order; a run's figures keep their order (sort is stable).
    rows = sorted(rows, key=lambda r: r["date"])
    tmp = history_path(suite) + ".tmp"
    with open(tmp, "w", newline="") as fp:
        w = csv.DictWriter(fp, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in COLUMNS})
    os.replace(tmp, history_path(suite))


def merge_rows(suite, new_rows):
    """Add rows whose (date, figure) is not in the history yet; returns the
    number of runs and rows added."""
    rows = read_history(suite)
    have = {(r["date"], r["figure"]) for r in rows}
    added = [r for r in new_rows if (r["date"], r["figure"]) not in have]
    if added:
        write_history(suite, rows + added)
    return len({r["date"] for r in added}), len(added)


def list_suites():
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(HISTORY, "*.csv")))


def parse_date(s):
    try:
        return time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    except (ValueError, TypeError):
        return None


# ---------------------------------------------------------------------------
# append: JSON -> history


def json_rows(data, source):
    m = data.get("meta", {})
    rows = []
    for f in data.get("figures", []):
        r = f.get("ratio") or {}
        t = f.get("target") or {}
        st, _ = judge(f)
        rows.append({
            "date": m.get("date", ""), "rev": m.get("git", ""), "figure": f.get("name", ""),
            "ours": cell(fnum(f.get("ours"))), "baseline": cell(fnum(f.get("baseline"))),
            "unit": f.get("unit", ""), "ratio_median": cell(fnum(r.get("median"))),
            "ratio_p10": cell(fnum(r.get("p10"))), "ratio_p90": cell(fnum(r.get("p90"))),
            "target_on": t.get("on", ""), "target_cmp": t.get("cmp", ""),
            "target_value": cell(fnum(t.get("value"))), "target_text": t.get("text", ""),
            "status": st, "source": source,
        })
    return rows


def cmd_append(args):
    files = args.json or sorted(glob.glob(os.path.join(RESULTS, "*.json")))
    for path in files:
        try:
            with open(path) as fp:
                data = json.load(fp)
        except (OSError, ValueError) as e:
            print("== history: %s unreadable (%s), not added" % (path, e))
            continue
        m = data.get("meta", {})
        suite = data.get("suite") or os.path.basename(path)[:-5]
        if m.get("quick"):
            print("== history: %s is a --quick run, not added" % os.path.basename(path))
            continue
        d = parse_date(m.get("date"))
        if d is None:
            print("== history: %s has no date, not added" % os.path.basename(path))
            continue
        if args.since is not None and d < args.since:
            print("== history: %s is from an earlier run (%s), not added" %
                  (os.path.basename(path), m.get("date")))
            continue
        runs, n = merge_rows(suite, json_rows(data, "json"))
        print("== history: %s: %s" % (suite, "%d figures added (run %s, git %s)" %
                                      (n, m.get("date"), m.get("git")) if n else
                                      "run %s already there" % m.get("date")))
    return 0


# ---------------------------------------------------------------------------
# backfill: docs/benchmarks.md in git -> history

ROW7 = re.compile(r"^\|(.*)\|\s*$")
META = re.compile(r"^Date (\S+); .*?; git (\S+);")
SUITE = re.compile(r"^### Suite `([^`]+)`")
RATIO = re.compile(r"^(\S+) \[(\S+), (\S+)\]$")
TARGET = re.compile(r"^(ratio|ours) (<=|>=) (\S+)(?: \((.*)\))?$")
STATUS = {"met": "met", "**missed**": "missed", "missed": "missed", "**failed**": "failed",
          "failed": "failed", "info": "info"}


def value_of(c):
    """'weir: 20.2' -> 20.2; '-' -> None; raises ValueError if unparsable."""
    c = c.strip()
    if c == "-":
        return None
    if ": " not in c:
        raise ValueError(c)
    v = c.rsplit(": ", 1)[1].strip()
    return None if v == "-" else float(v)


def parse_row(cells):
    name, ours, base, unit, rs, ts, st = [c.strip() for c in cells]
    r = {"figure": name, "unit": unit}
    r["ours"] = cell(value_of(ours))
    r["baseline"] = cell(value_of(base))
    if rs == "-":
        r["ratio_median"] = r["ratio_p10"] = r["ratio_p90"] = ""
    else:
        m = RATIO.match(rs)
        if not m:
            raise ValueError(rs)
        r["ratio_median"], r["ratio_p10"], r["ratio_p90"] = (cell(fnum(x)) for x in m.groups())
        if fnum(m.group(1)) is None:
            raise ValueError(rs)
    if ts == "-":
        r.update(target_on="", target_cmp="", target_value="", target_text="")
    else:
        m = TARGET.match(ts)
        if not m or fnum(m.group(3)) is None:
            raise ValueError(ts)
        r.update(target_on=m.group(1), target_cmp=m.group(2),
                 target_value=cell(fnum(m.group(3))), target_text=m.group(4) or "")
    if st.lower() not in STATUS:
        raise ValueError(st)
    r["status"] = STATUS[st.lower()]
    if r["target_on"] == "ratio" and not r["ratio_median"] and r["status"] != "failed":
        r["status"] = "failed"  # the rule of judge(): a ratio target with no ratio
    return r


def parse_doc(text, commit, skipped):
    """Runs in one version of the page: {(suite, date): (rev, rows)}. Rows left
    out are added to skipped["hand"|"quick"|"bad"] (sets of the row text)."""
    runs = {}
    inside = False
    suite = meta = None
    table = None  # header of the table the line belongs to
    for line in text.splitlines():
        if line.startswith(BEGIN):
            inside = True
            continue
        if line.startswith(END):
            inside = False
            suite = meta = None
            continue
        if not line.startswith("|"):
            table = None
            if inside:
                m = SUITE.match(line)
                if m:
                    suite, meta = m.group(1), None
                    continue
                m = META.match(line)
                if m and suite:
                    meta = (m.group(1), m.group(2), "QUICK run" in line)
            continue
        m = ROW7.match(line)
        if not m:
            if inside and table and table[0] == "figure":
                skipped["bad"].add(line)
            continue
        cells = m.group(1).split("|")
        if table is None:
            table = [c.strip() for c in cells]
            continue
        if set(line) <= set("|-: "):
            continue
        first = cells[0].strip()
        if first.startswith("&nbsp;"):
            continue  # latency / note line under a figure
        if not table or table[0] != "figure":
            continue  # not a results table (figure descriptions, peers ...)
        if not inside or len(table) != 7 or table[4] != "ratio median [p10, p90]":
            skipped["hand"].add(line)  # hand-run tables in the prose: another format
            continue
        if not suite or not meta:
            skipped["bad"].add(line)
            continue
        if meta[2]:
            skipped["quick"].add(line)
            continue
        if len(cells) != 7:
            skipped["bad"].add(line)
            continue
        try:
            r = parse_row(cells)
        except ValueError:
            skipped["bad"].add(line)
            continue
        r.update(date=meta[0], rev=meta[1], source="doc@%s" % commit[:7])
        runs.setdefault((suite, meta[0]), (meta[1], []))[1].append(r)
    return runs


def git(args, repo):
    return subprocess.run(["git", "-C", repo] + args, check=True, capture_output=True,
                          text=True).stdout


def cmd_backfill(args):
    repo = args.repo or ROOT
    commits = git(["log", "--reverse", "--format=%H", args.rev, "--", "docs/benchmarks.md"],
                  repo).split()
    # Rows left out, as distinct row texts over all versions (the same row is
    # in every later version of the page, so counting per version would not do).
    skipped = {"hand": set(), "bad": set(), "quick": set()}
    seen = {}  # (suite, date) -> rows; the first version that showed the run wins
    for c in commits:
        try:
            text = git(["show", "%s:docs/benchmarks.md" % c], repo)
        except subprocess.CalledProcessError:
            continue
        for key, (rev, rows) in parse_doc(text, c, skipped).items():
            seen.setdefault(key, rows)
    suites = {}
    for (suite, date), rows in seen.items():
        suites.setdefault(suite, []).extend(rows)
    print("== backfill: %d commits changed docs/benchmarks.md (up to %s)" % (len(commits),
                                                                           args.rev))
    for suite in sorted(suites):
        runs = len({r["date"] for r in suites[suite]})
        added_runs, added = merge_rows(suite, suites[suite])
        print("== backfill: %s: %d run(s), %d figure rows in the page's history; %d run(s) "
              "(%d rows) new to bench/history/%s.csv" % (suite, runs, len(suites[suite]),
                                                         added_runs, added, suite))
    print("== backfill: rows left out (distinct rows over all versions): %d in hand-run "
          "tables of another format, %d from --quick runs, %d unparsable results rows" %
          (len(skipped["hand"]), len(skipped["quick"]), len(skipped["bad"])))
    for row in sorted(skipped["bad"])[:10]:
        print("   unparsable: %s" % row[:160])
    return 0


# ---------------------------------------------------------------------------
# plot: history -> docs/plots/<suite>.svg


def group_key(name, depth):
    toks = re.split(r"[. ]", name)
    return ".".join(toks[:depth])


def panels_of(figs):
    """Split the figures (in order) into panels of <= PANEL_MAX: by the first
    token of the name (S1, S9, K1 ...), a big group by its first two tokens,
    then in chunks; consecutive small groups share a panel."""
    groups = []
    for f in figs:
        k = group_key(f, 1)
        if groups and groups[-1][0] == k:
            groups[-1][1].append(f)
        elif any(g[0] == k for g in groups):
            next(g for g in groups if g[0] == k)[1].append(f)
        else:
            groups.append((k, [f]))
    units = []
    for k, fs in groups:
        if len(fs) <= PANEL_MAX:
            units.append((k, fs))
            continue
        sub = []
        for f in fs:
            k2 = group_key(f, 2)
            for g in sub:
                if g[0] == k2:
                    g[1].append(f)
                    break
            else:
                sub.append((k2, [f]))
        for k2, fs2 in sub:
            n = -(-len(fs2) // PANEL_MAX)
            size = -(-len(fs2) // n)
            for i in range(n):
                units.append((k2, fs2[i * size:(i + 1) * size]))
    panels = []
    for k, fs in units:
        if panels and len(panels[-1][1]) + len(fs) <= PANEL_MAX:
            if k not in panels[-1][0]:
                panels[-1][0].append(k)
            panels[-1][1].extend(fs)
        else:
            panels.append(([k], list(fs)))
    return panels


def gp_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


FLOOR = 0.01


def normalised(row, tgt):
    """(y, ylow, yhigh) of one history row against target tgt = (on, cmp, value):
    ratio / target, or target / ratio for a >= target, so below 1 is met."""
    on, cmp, tv = tgt
    if on == "ratio":
        v, lo, hi = fnum(row["ratio_median"]), fnum(row["ratio_p10"]), fnum(row["ratio_p90"])
    else:
        v, lo, hi = fnum(row["ours"]), None, None
    if v is None:
        return None
    lo = v if lo is None else lo
    hi = v if hi is None else hi
    if cmp == ">=":
        if v <= 0 or lo <= 0 or hi <= 0:
            return None
        y, ylo, yhi = tv / v, tv / hi, tv / lo
    else:
        y, ylo, yhi = v / tv, lo / tv, hi / tv
    return tuple(max(FLOOR, x) for x in (y, ylo, yhi))


def plot_suite(suite, rows, last, gnuplot):
    dates = []
    revs = {}
    for r in rows:
        if r["date"] not in revs:
            dates.append(r["date"])
            revs[r["date"]] = r["rev"]
    dates = sorted(dates)
    nruns = len(dates)
    dates = dates[-last:]
    index = {d: i for i, d in enumerate(dates)}
    # The target of each figure's latest row normalises all its points (a
    # tightened target moves the whole line, not one point).
    targets, order = {}, []
    for r in rows:
        if r["target_cmp"] in ("<=", ">=") and fnum(r["target_value"]) is not None:
            if r["figure"] not in targets:
                order.append(r["figure"])
            targets[r["figure"]] = (r["target_on"], r["target_cmp"], fnum(r["target_value"]))
    skipped = [f for f in order if targets[f][2] == 0]
    figs = [f for f in order if targets[f][2] != 0]
    points = {f: [] for f in figs}
    for r in rows:
        if r["figure"] in points and r["date"] in index:
            y = normalised(r, targets[r["figure"]])
            if y:
                points[r["figure"]].append((index[r["date"]],) + y)
    figs = [f for f in figs if points[f]]
    if not figs:
        return None, skipped
    panels = panels_of(figs)
    title_px, panel_px, xlab_px = 80, 280, 150
    height = title_px + len(panels) * (panel_px + xlab_px)
    width = 1200
    g = []
    g.append("set terminal svg size %d,%d dynamic noenhanced font 'sans,10' background '#ffffff'"
             % (width, height))
    svg = os.path.join(PLOTS, suite + ".svg")
    g.append("set output %s" % gp_str(svg + ".tmp"))
    g.append("set encoding utf8")
    g.append("set multiplot title %s font ',11'" % gp_str(
        "weir bench suite '%s': ratio median / target per full run, below 1 = met\n"
        "<= targets: ratio / target; >= targets inverted: target / ratio; targets on the "
        "value itself: value / target (no error bars)\n"
        "error bars: p10 and p90 of the ratio; log scale (0 drawn at %g); last %d of %d runs; "
        "each figure normalised by its latest target" % (suite, FLOOR, len(dates), nruns)))
    g.append("set logscale y")
    g.append("set grid ytics lc rgb '#dddddd'")
    g.append("set xrange [-0.5:%g]" % (len(dates) - 0.5))
    tics = ", ".join("%s %d" % (gp_str("%s %s" % (d[:10], revs[d][:7])), i)
                     for i, d in enumerate(dates))
    g.append("set xtics (%s) rotate by 90 right font ',8'" % tics)
    g.append("set ylabel 'ratio / target'")
    g.append("set lmargin at screen 0.07")
    g.append("set rmargin at screen 0.56")
    for pi, (keys, pfigs) in enumerate(panels):
        top = 1 - (title_px + pi * (panel_px + xlab_px)) / height
        bottom = top - panel_px / height
        g.append("set tmargin at screen %.5f" % (top - 20 / height))
        g.append("set bmargin at screen %.5f" % bottom)
        g.append("set title %s" % gp_str(", ".join(keys)))
        # The line at 1 always inside, a little room above and below the data.
        ys = [v for f in pfigs for p in points[f] for v in p[1:]] + [1.0]
        lo, hi = min(ys) / 1.6, max(ys) * 1.6
        g.append("set yrange [%.6g:%.6g]" % (lo, hi))
        # 1-2-5 tics: a narrow log range would otherwise show one label.
        tl = [m * 10.0 ** e for e in range(int(math.floor(math.log10(lo))),
                                           int(math.ceil(math.log10(hi))) + 1) for m in (1, 2, 5)]
        g.append("set ytics (%s)" % ", ".join(gp_str("%g" % t) + " %g" % t for t in tl
                                               if lo <= t <= hi))
        g.append("set key at screen 0.57, screen %.5f left top Left reverse font ',9' "
                 "samplen 2 spacing 1.1" % (top - 20 / height))
        plots = []
        m = len(pfigs)
        for k, f in enumerate(pfigs):
            name = "$d%d_%d" % (pi, k)
            g.append("%s << EOD" % name)
            dx = (k - (m - 1) / 2) * 0.08 if len(dates) > 1 else 0
            for x, y, lo, hi in points[f]:
                g.append("%g %.6g %.6g %.6g" % (x + dx, y, lo, hi))
            g.append("EOD")
            on, cmp, tv = targets[f]
            label = "%s (%s %s %s)" % (f, "ratio" if on == "ratio" else "value", cmp, num(tv))
            plots.append("%s using 1:2:3:4 with yerrorlines lw 1.5 pt %d ps 0.8 title %s" %
                         (name, 4 + k, gp_str(label)))
        plots.append("1 with lines lc rgb '#cc0000' dt 2 lw 1.5 title 'target (1)'")
        g.append("plot " + ", \\\n     ".join(plots))
    g.append("unset multiplot")
    g.append("set output")
    script = "\n".join(g) + "\n"
    p = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    if p.returncode != 0 or not os.path.exists(svg + ".tmp"):
        if os.path.exists(svg + ".tmp"):
            os.unlink(svg + ".tmp")
        raise RuntimeError("gnuplot failed for %s: %s" % (suite, p.stderr.strip()[-400:]))
    os.replace(svg + ".tmp", svg)
    return svg, skipped


def cmd_plot(args):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("== plots: gnuplot is not installed (Debian: gnuplot-nox, "
              "scripts/install-deps.sh --bench); docs/plots/ not regenerated")
        return 0
    os.makedirs(PLOTS, exist_ok=True)
    rc = 0
    for suite in list_suites():
        try:
            out, skipped = plot_suite(suite, read_history(suite), args.last, gnuplot)
        except (RuntimeError, OSError) as e:
            print("== plots: %s" % e)
            rc = 1
            continue
        extra = " (not plotted, target 0: %s)" % ", ".join(skipped) if skipped else ""
        if out:
            print("== plots: %s%s" % (os.path.relpath(out, ROOT), extra))
        else:
            print("== plots: %s: no figure with a target, no plot%s" % (suite, extra))
    return rc


# ---------------------------------------------------------------------------
# report: bench/results/*.json -> docs/benchmarks.md


def previous_run(suite, date):
    """Figures with a target in the suite's last history run before `date`."""
    rows = read_history(suite)
    earlier = sorted({r["date"] for r in rows if r["date"] < date})
    if not earlier:
        return None, {}
    d = earlier[-1]
    return d, {r["figure"]: r for r in rows if r["date"] == d and r["target_cmp"]}


def cmd_report(args):
    out, missed = [], []
    files = sorted(glob.glob(os.path.join(RESULTS, "*.json")))
    if not files:
        out.append("_No results yet: run `scripts/bench.sh`._")
    for path in files:
        try:
            with open(path) as fp:
                data = json.load(fp)
        except (OSError, ValueError) as e:
            out.append("_%s: unreadable (%s)_\n" % (os.path.basename(path), e))
            continue
        m = data.get("meta", {})
        suite = data.get("suite", os.path.basename(path)[:-5])
        out.append("### Suite `%s`\n" % suite)
        out.append("Date %s; machine: %s; git %s; %s rounds x >= %s ms%s; load average at end "
                   "%s.\n" % (m.get("date"), m.get("machine"), m.get("git"), m.get("rounds"),
                              m.get("round_ms"),
                              " (**QUICK run: a functional check, not a measurement**)"
                              if m.get("quick") else "",
                              (m.get("loadavg_at_end") or "?").split(" ")[0]))
        svg = os.path.join(PLOTS, suite + ".svg")
        if os.path.exists(svg):
            out.append("History: [plots/%s.svg](plots/%s.svg) (ratio / target of every figure "
                       "with a target over the full runs in `bench/history/%s.csv`; below 1 = "
                       "met).\n" % (suite, suite, suite))
        out.append("| figure | ours | baseline | unit | ratio median [p10, p90] | target | "
                   "status |")
        out.append("|---|---|---|---|---|---|---|")
        names = set()
        for f in data.get("figures", []):
            names.add(f.get("name"))
            r = f.get("ratio") or {}
            rs = "-"
            if r.get("median") is not None:
                rs = "%s [%s, %s]" % (num(r.get("median")), num(r.get("p10")), num(r.get("p90")))
            t = f.get("target")
            ts = "-"
            if t:
                ts = "%s %s %s" % ("ours" if t["on"] == "ours" else "ratio", t["cmp"],
                                   num(t["value"]))
                if t.get("text"):
                    ts += " (%s)" % t["text"]
            st, why = judge(f)
            if st == "missed":
                st = "**MISSED**"
                missed.append((suite, f["name"], rs if t and t["on"] == "ratio" else
                               num(f.get("ours")), ts))
            elif st == "failed":
                st = "**FAILED**"
                missed.append((suite, f["name"], "**FAILED**: " + why.replace("|", "/"), ts))
            ours = "%s: %s" % (f.get("ours_name"), num(f.get("ours")))
            base = "%s: %s" % (f.get("baseline_name"), num(f.get("baseline"))) \
                if f.get("baseline_name") else "-"
            out.append("| %s | %s | %s | %s | %s | %s | %s |" % (f["name"], ours, base,
                                                                f.get("unit", ""), rs, ts, st))
            lat = f.get("latency_ns")
            if lat:
                parts = []
                for k in ("ours", "baseline"):
                    if k in lat:
                        L = lat[k]
                        parts.append("%s p50 %s / p99 %s / p99.9 %s ns (%d samples)" % (
                            k, num(L.get("p50")), num(L.get("p99")), num(L.get("p999")),
                            L.get("samples", 0)))
                out.append("| &nbsp;&nbsp;latency | %s | | | | | |" % "; ".join(parts))
            if f.get("note"):
                out.append("| &nbsp;&nbsp;note | %s | | | | | |" % f["note"].replace("|", "/"))
        # A figure with a target in the previous full run that this run lacks
        # (a bench cut short by its timeout, a crash, a figure skipped) was
        # not measured: say so rather than let it vanish from the report.
        prev_date, prev = previous_run(suite, m.get("date") or "")
        gone = [n for n in prev if n not in names]
        # Present without the target it had and without a ratio: a figure the
        # bench could not measure this time (S5's syscall count without
        # strace, S1 vs TBB without TBB).
        for f in data.get("figures", []):
            r = f.get("ratio") or {}
            if f.get("name") in prev and not f.get("target") and r.get("median") is None:
                p = prev[f["name"]]
                missed.append((suite, f["name"], "**FAILED**: no value in this run (%s)" %
                               (f.get("note") or "no note").replace("|", "/"),
                               "%s %s %s (%s, as in the run of %s)" % (
                                   p["target_on"], p["target_cmp"],
                                   num(fnum(p["target_value"])), p["target_text"], prev_date)))
        if gone and not m.get("quick"):
            for n in gone:
                missed.append((suite, n, "**FAILED**: not in this run's results (measured in "
                               "the run of %s, git %s)" % (prev_date, prev[n]["rev"]),
                               "%s %s %s" % (prev[n]["target_on"], prev[n]["target_cmp"],
                                             num(fnum(prev[n]["target_value"])))))
            out.append("| &nbsp;&nbsp;missing | not in this run's results, measured in the "
                       "run of %s: %s | | | | | |" % (prev_date, ", ".join(gone)))
        out.append("")

    summary = ["### Targets missed", ""]
    if missed:
        summary.append("These targets are **not met** in the run above (noise caveat: 2 shared "
                       "vCPUs); **FAILED** means the figure was not measured:")
        summary.append("")
        for s, n, v, t in missed:
            summary.append("- `%s` / `%s`: measured %s; target %s" % (s, n, v, t))
    else:
        summary.append("None in the run above." if files else "No run yet.")
    summary.append("")

    block = BEGIN + "\n\n" + "\n".join(summary + out) + "\n" + END
    doc = args.doc
    text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(doc, "w") as fp:
        fp.write(text)
    print("== %s regenerated from %d result file(s)" % (os.path.relpath(doc, ROOT), len(files)))
    return 0


def main():
    global RESULTS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("append", help="add full-run JSON results to bench/history/")
    a.add_argument("--since", type=float, help="skip JSON written before this epoch time")
    a.add_argument("json", nargs="*")
    b = sub.add_parser("backfill", help="add the runs recorded in docs/benchmarks.md's history")
    b.add_argument("--rev", default="HEAD")
    b.add_argument("--repo", help="git repository to read (default: this checkout)")
    p = sub.add_parser("plot", help="draw docs/plots/<suite>.svg (gnuplot)")
    p.add_argument("--last", type=int, default=40, help="runs per plot (default 40)")
    r = sub.add_parser("report", help="regenerate docs/benchmarks.md's results section")
    r.add_argument("--doc", default=DOC)
    r.add_argument("--results", default=RESULTS)
    args = ap.parse_args()
    if args.cmd == "report":
        RESULTS = args.results
    return {"append": cmd_append, "backfill": cmd_backfill, "plot": cmd_plot,
            "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
