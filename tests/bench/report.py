#!/usr/bin/env python3
"""Turns the benchmark's raw JSON lines into a Markdown table and an SVG chart (standard library only).

    python3 report.py RAW.jsonl --md OUT.md --svg OUT.svg

Correctness is judged here against the lab's ground truth (tests/lab/addresses.md), never by the tools.
"""
import argparse
import html
import json
import math
import statistics
from collections import OrderedDict, defaultdict

# ---------------------------------------------------------------- ground truth --

MTU_TRUTH = {
    "198.51.100.27": {"pmtu": 1400, "blackhole": True, "label": "black hole, IPv4"},
    "2001:db8:5::27": {"pmtu": 1400, "blackhole": True, "label": "black hole, IPv6"},
    "198.51.100.28": {"pmtu": 1400, "blackhole": False, "label": "control, IPv4"},
    "2001:db8:5::28": {"pmtu": 1400, "blackhole": False, "label": "control, IPv6"},
    "198.51.100.26": {"pmtu": 1500, "loss": [513, 1025], "label": "size loss, IPv4"},
}
MTU_TRUTH_TEXT = {
    True: "PMTU 1400, black hole (no ICMP too-big)",
    False: "PMTU 1400, ICMP too-big delivered",
    None: "PMTU 1500, 513/1025-byte payloads lost",
}
DNS_TRUTH = {
    "198.51.100.53": {"lost": False, "tcp": True, "label": "healthy", "text": "every size over UDP, TCP ok"},
    "198.51.100.54": {"lost": True, "tcp": True, "label": "fragments dropped", "text": "large UDP answers lost, TCP ok"},
    "198.51.100.55": {"lost": False, "tcp": False, "label": "TCP/53 blocked", "text": "UDP ok, TCP/53 blocked"},
}
SMTP_CODES = {"Banner": 220, "Ehlo": 250, "StartTls": 220, "EhloTls": 250, "MailFrom": 250, "RcptTo": 250}
MAILFLOW_TOOLS = ("mailflow", "mailflow-mxpath", "mailflow-edns", "MailFlowTools.Benchmarks")
TOOL_LABEL = {
    "mailflow": "mailflow",
    "ping-bisect": "ping -M do bisection",
    "tracepath": "tracepath -n",
    "scamper": "scamper trace -M",
    "dig": "dig, sequential",
    "swaks": "swaks",
    "mailflow-mxpath": "mailflow Test-MxPath --recipient postmaster --throttle-limit 32",
    "mailflow-edns": "mailflow Test-EdnsReachability --server .53",
    "peer-dig-swaks": "dig MX + swaks --quit-after RCPT, xargs -P 32",
    "peer-dig-f": "dig -f (same 7-query matrix per domain)",
}
COLORS = {
    "mailflow": "#1f6feb", "mailflow-mxpath": "#1f6feb", "mailflow-edns": "#0b3d91",
    "ping-bisect": "#d29922", "tracepath": "#cf222e", "scamper": "#8250df", "dig": "#bf8700",
    "swaks": "#2da44e", "peer-dig-swaks": "#2da44e", "peer-dig-f": "#bf8700",
    "MailFlowTools.Benchmarks": "#1f6feb",
}

NAMES_MODE = {
    "stdin": "names on standard input, one process",
    "args": "names as arguments, 1,000 per process",
    "one": "one process per name: the verb takes one name",
}

OK, PARTIAL, WRONG = "correct", "partial", "wrong"
MARK = {OK: "✅", PARTIAL: "◐", WRONG: "❌", None: "–"}


def judge_mtu(target, v):
    t = MTU_TRUTH.get(target)
    if t is None or v is None:
        return None, ""
    pmtu_ok = v.get("pmtu") == t["pmtu"]
    if "loss" in t:
        loss = set(v.get("loss") or [])
        found = set(t["loss"]) <= loss
        if found and (pmtu_ok or v.get("pmtu") is None):
            return OK, ""
        if pmtu_ok:
            return PARTIAL, "right MTU, misses the size-specific loss"
        return WRONG, ""
    if t["blackhole"]:
        if pmtu_ok and v.get("blackhole") is True:
            return OK, ""
        if pmtu_ok and v.get("blackhole") is None:
            return PARTIAL, "right size, cannot tell a black hole from a working path"
        return WRONG, ""
    if pmtu_ok and v.get("blackhole") is not True:
        return OK, ""
    return WRONG, ""


def judge_dns(target, v):
    t = DNS_TRUTH.get(target)
    if t is None or v is None:
        return None, ""
    if v.get("lost") == t["lost"] and v.get("tcp") == t["tcp"]:
        return OK, ""
    return WRONG, ""


def judge_smtp(target, v):
    stages = [s for s in (v or {}).get("stages", []) if s.get("stage") in SMTP_CODES]
    if not stages:
        return WRONG, "no stages"
    bad = [s for s in stages if s.get("code") != SMTP_CODES[s["stage"]]]
    need = {"Banner", "Ehlo", "MailFrom", "RcptTo"} | ({"StartTls"} if target == "starttls" else set())
    missing = need - {s["stage"] for s in stages}
    if bad or missing:
        return WRONG, "unexpected replies" if bad else "missing " + ", ".join(sorted(missing))
    return OK, ""


def judge_batch(target, v):
    if not v or "n" not in v:
        return None, ""
    return (OK, "") if v.get("ok") == v.get("n") else (WRONG, f"{v.get('ok')} of {v.get('n')}")


JUDGES = {"mtu": judge_mtu, "dns": judge_dns, "smtp": judge_smtp, "batch": judge_batch}

# ---------------------------------------------------------------------- helpers --


def fmt_ms(ms):
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 10000:
        return f"{ms / 1000:.2f} s"
    return f"{ms / 1000:.1f} s"


def fmt_rate(r):
    if r is None:
        return "–"
    if r >= 1e6:
        return f"{r / 1e6:.2f} M"
    if r >= 1e3:
        return f"{r / 1e3:.1f} k"
    return f"{r:.1f}"


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×"


def fmt_peer(r):
    """The peer's median against mailflow's, from the peer's side."""
    if r is None:
        return "–"
    if r >= 1:
        return f"{fmt_ratio(r)} slower"
    return f"{fmt_ratio(1 / r)} faster"


def fmt_axis(ms):
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.0f} s"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


class Group:
    """The runs of one tool on one target of one scenario."""

    def __init__(self, scenario, target, tool):
        self.scenario, self.target, self.tool = scenario, target, tool
        self.runs = []
        self.unavailable = None

    @property
    def walls(self):
        return [r["wall_ms"] for r in self.runs if r.get("wall_ms") is not None]

    @property
    def median(self):
        return med(self.walls)

    @property
    def spread(self):
        w = self.walls
        return (min(w), max(w)) if w else (None, None)

    @property
    def peak_rss_kb(self):
        xs = [r["rss_kb"] for r in self.runs if r.get("rss_kb") is not None]
        return max(xs) if xs else None

    def judgements(self):
        judge = JUDGES.get(self.scenario)
        if not judge:
            return []
        return [judge(self.target, r.get("verdict")) for r in self.runs]

    @property
    def correctness(self):
        js = [j for j, _ in self.judgements() if j is not None]
        if not js:
            return None, ""
        worst = WRONG if WRONG in js else PARTIAL if PARTIAL in js else OK
        note = next((n for j, n in self.judgements() if j == worst and n), "")
        if len(set(js)) > 1:
            note = f"{note} ({js.count(OK)} of {len(js)} runs correct)".strip()
        return worst, note

    @property
    def verdict_text(self):
        texts = [str((r.get("verdict") or {}).get("text", "")) for r in self.runs]
        if not texts:
            return ""
        common = max(set(texts), key=texts.count)
        return common if texts.count(common) == len(texts) else f"{common} ({texts.count(common)}/{len(texts)} runs)"

    def time_cell(self):
        lo, hi = self.spread
        if self.median is None:
            return "–"
        if len(self.walls) == 1:
            return f"{fmt_ms(self.median)} (1 run)"
        return f"{fmt_ms(self.median)} ({fmt_ms(lo)}–{fmt_ms(hi)})"


def load(path):
    meta, delivered, groups, rates = {}, None, OrderedDict(), OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if "meta" in rec:
                meta = rec["meta"]
                continue
            if "delivered" in rec:
                delivered = rec["delivered"]
                continue
            if "note" in rec:
                meta.setdefault("notes", []).append(rec["note"])
                continue
            if "rate" in rec or (rec.get("scenario") == "parsers" and "unavailable" not in rec):
                key = (rec.get("target"), rec.get("unit", ""))
                rates.setdefault(key, []).append(rec)
                continue
            key = (rec["scenario"], str(rec["target"]), rec["tool"])
            g = groups.get(key) or Group(*key)
            groups[key] = g
            if "unavailable" in rec:
                g.unavailable = rec["unavailable"]
            else:
                g.runs.append(rec)
    return meta, delivered, groups, rates


def by_scenario(groups, scenario):
    out = OrderedDict()
    for (s, target, tool), g in groups.items():
        if s == scenario:
            out.setdefault(target, OrderedDict())[tool] = g
    return out


def ratio(peer, mine):
    if peer is None or mine is None or peer.median is None or mine.median is None or mine.median <= 0:
        return None
    return peer.median / mine.median


# ---------------------------------------------------------------------- Markdown --


def markdown(meta, delivered, groups, rates):
    L = []
    L.append(f"# MailFlowTools benchmarks — {meta.get('date', '?')}, commit `{meta.get('commit', '?')}`")
    L.append("")
    L.append("Produced by `bash tests/bench/run.sh` on the network fault lab (`tests/lab`). Every tool ran from the lab's "
             "client namespace against the same paths in the same run; times are wall-clock from start to the tool's "
             "exit (process start included), median of the runs with the spread (min–max). The \"vs mailflow\" column "
             "compares the peer's median with mailflow's median in the same run (\"65× slower\": the peer took 65 times "
             "as long as mailflow).")
    L.append("")
    tools = meta.get("tools", {})
    L.append(f"- Machine: {meta.get('cpus', '?')} CPUs, {meta.get('memory', '?')}, kernel {meta.get('kernel', '?')}, "
             f"load average at start {meta.get('loadavg', '?')}" + load_range(groups) +
             " (the machine and the lab are shared; other work may run at the same time, which is why every "
             "comparison is a ratio within one run).")
    L.append(f"- Runs per measurement: {meta.get('runs', '?')} ({meta.get('slow_runs', '?')} when the first run took over 20 s). "
             f".NET SDK {meta.get('dotnet', '?')}.")
    if meta.get("mailflow"):
        L.append(f"- mailflow: {meta['mailflow']}.")
    L.append("- Peers: " + "; ".join(f"{v}" for v in tools.values() if v) + ".")
    for note in meta.get("notes", []):
        L.append(f"- Note: {note}.")
    if delivered:
        n = delivered["after"] - delivered["before"]
        if n < 0:
            n = "unknown (the lab was restarted during the run)"
        L.append(f"- Messages the lab's Postfix delivered during the run, from any client (the lab is shared): {n}. "
                 "No benchmark command sends the final \".\" of a message.")
    L.append("")

    headline = headlines(groups, rates)
    if headline:
        L.append("## Headline")
        L.append("")
        L.extend(f"- {h}" for h in headline)
        L.append("")

    startup = by_scenario(groups, "startup")
    if startup:
        L.append("## Process start")
        L.append("")
        L.append("The floor under every time below: starting the program and exiting without work "
                 "(`mailflow --help`, `dig -v`, `swaks --version`). Each of mailflow's times includes this start "
                 "(the native build's, unless the line above names the IL build, which starts .NET).")
        L.append("")
        L.append("| Tool | Time: median (min–max) | Peak memory |")
        L.append("| --- | --- | --- |")
        for target, tg in startup.items():
            for tool, g in tg.items():
                rss = g.peak_rss_kb
                L.append(f"| {TOOL_LABEL.get(tool, tool)} | {g.time_cell()} | {f'{rss / 1024:.0f} MB' if rss else '–'} |")
        L.append("")

    card = scorecard(groups)
    if card:
        L.extend(card)

    # --- MTU
    mtu = by_scenario(groups, "mtu")
    if mtu:
        L.append("## Path MTU and black holes")
        L.append("")
        L.append("`mailflow Find-MtuBlackHole ADDR` vs `tracepath -n ADDR` (capped at 120 s), a `ping -M do -s SIZE -c 1 -W 1` "
                 "bisection (`peers.sh ping-bisect`) and `scamper -c \"trace -P udp -M\"`. The route cache is flushed "
                 "before every run so that no tool inherits a learned path MTU. On the size-loss path mailflow runs its "
                 "default probe and then `--method Sweep` (both counted).")
        L.append("")
        L.append("| Path | Truth | Tool | Verdict | Correct | Time: median (min–max) | vs mailflow |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for target, tg in mtu.items():
            t = MTU_TRUTH.get(target, {})
            truth = MTU_TRUTH_TEXT[t.get("blackhole")] if t else "?"
            mine = tg.get("mailflow")
            for tool, g in tg.items():
                L.append(row_mtu_dns(target, t.get("label", ""), truth, tool, g, mine))
        L.append("")

    dns = by_scenario(groups, "dns")
    if dns:
        L.append("## DNS size matrix (big.lab.test MX, ~4,000-byte signed answer)")
        L.append("")
        L.append("`mailflow Test-EdnsReachability big.lab.test --server S --timeout-seconds 2` (its matrix: no EDNS, 512, "
                 "1232, 1410, 1472, 4096 with DO, plus TCP; it then bisects the lost size) vs the same seven queries with "
                 "`dig +time=2 +tries=1` one after the other (`+ignore` so that dig reports the UDP answer instead of "
                 "retrying over TCP).")
        L.append("")
        L.append("| Server | Truth | Tool | Verdict | Correct | Time: median (min–max) | vs mailflow |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for target, tg in dns.items():
            t = DNS_TRUTH.get(target, {})
            mine = tg.get("mailflow")
            for tool, g in tg.items():
                L.append(row_mtu_dns(target, t.get("label", ""), t.get("text", "?"), tool, g, mine))
        L.append("")

    smtp = by_scenario(groups, "smtp")
    if smtp:
        L.append("## SMTP stage timing (198.51.100.25, stop after RCPT)")
        L.append("")
        L.append("`mailflow Get-SmtpStageTiming 198.51.100.25 --stop-after Rcpt --pipelining Off` (plain: `--start-tls Off`; "
                 "with TLS: `--start-tls Require`) vs `swaks --quit-after RCPT --show-time-lapse` (with TLS: `-tls`): the "
                 "same commands in the same order. Nothing is delivered.")
        L.append("")
        L.append("| Session | Tool | Replies | Correct | Time: median (min–max) | vs mailflow |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        for target, tg in smtp.items():
            mine = tg.get("mailflow")
            for tool, g in tg.items():
                if g.unavailable:
                    L.append(f"| {target} | {TOOL_LABEL.get(tool, tool)} | not available: {g.unavailable} | – | – | – |")
                    continue
                c, note = g.correctness
                r = ratio(g, mine) if tool != "mailflow" else None
                L.append(f"| {target} | {TOOL_LABEL.get(tool, tool)} | {g.verdict_text} | {MARK[c]} {note} | "
                         f"{g.time_cell()} | {fmt_peer(r)} |")
        L.append("")
        agree = stage_agreement(smtp)
        if agree:
            L.append("Per-stage agreement (median reply time of each stage, as each tool measures it; swaks prints "
                     "milliseconds):")
            L.append("")
            L.append("| Session | Stage | mailflow code | swaks code | mailflow ms | swaks ms | difference |")
            L.append("| --- | --- | --- | --- | --- | --- | --- |")
            L.extend(agree)
            L.append("")
            if any("| StartTls |" in row for row in agree):
                L.append("mailflow's StartTls stage includes the TLS handshake; swaks times only the 220 reply to STARTTLS.")
                L.append("")

    batch = by_scenario(groups, "batch")
    if batch:
        L.append("## Batch throughput (d0001…dNNNN.bulk.test, every MX is mx1.lab.test)")
        L.append("")
        L.append("Domains per second over the whole batch, and peak memory (maximum resident set of the largest process, "
                 "`/usr/bin/time`). mailflow gets every name on standard input when the verb reads it, else as arguments "
                 "(1,000 per process) when the verb takes several, else one process per name; the Correct column says "
                 "which. Test-MxPath and the swaks peer both stop after RCPT. Peers and one-process-per-name runs skip "
                 "sizes that would take longer than the cap at the rate of the smaller size, and say so.")
        L.append("")
        L.append("| Domains | Tool | Result | Correct | Time: median (min–max) | Domains/s | Peak memory |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for target, tg in batch.items():
            for tool, g in tg.items():
                if g.unavailable:
                    why = g.unavailable if g.unavailable.startswith("skipped") else f"not available: {g.unavailable}"
                    L.append(f"| {target} | {TOOL_LABEL.get(tool, tool)} | {why} | – | – | – | – |")
                    continue
                c, note = g.correctness
                rate = int(target) * 1000 / g.median if g.median else None
                rss = g.peak_rss_kb
                how = NAMES_MODE.get(g.runs[0].get("names", "")) if g.runs else None
                if how:
                    note = (note + " " if note else "") + f"({how})"
                L.append(f"| {target} | {TOOL_LABEL.get(tool, tool)} | {g.verdict_text} | {MARK[c]} {note} | {g.time_cell()} | "
                         f"{fmt_rate(rate)} | {rss / 1024:.0f} MB |" if rss else
                         f"| {target} | {TOOL_LABEL.get(tool, tool)} | {g.verdict_text} | {MARK[c]} {note} | {g.time_cell()} | "
                         f"{fmt_rate(rate)} | – |")
        L.append("")

    if rates:
        L.append("## Parser throughput (tests/MailFlowTools.Benchmarks `parsers`)")
        L.append("")
        L.append("Real answers captured from the lab (`tests/Fixtures/LabAnswers`), parsed in a tight loop in one "
                 "process; each run is about one second after a warm-up.")
        L.append("")
        L.append("| Input | Rate: median (min–max) | Throughput | Allocated per item | Runs |")
        L.append("| --- | --- | --- | --- | --- |")
        for (target, unit), recs in rates.items():
            rs = [r["rate"] for r in recs if r.get("rate") is not None]
            mb = med([r.get("mb_per_s") for r in recs])
            alloc = med([r.get("alloc_bytes_per_item") for r in recs])
            if not rs:
                continue
            L.append(f"| {target} | {fmt_rate(med(rs))} {unit} ({fmt_rate(min(rs))}–{fmt_rate(max(rs))}) | "
                     f"{f'{mb:.0f} MB/s' if mb else '–'} | {f'{alloc:,.0f} B' if alloc is not None else '–'} | {len(rs)} |")
        L.append("")

    missing = [g for g in groups.values() if g.unavailable and not g.unavailable.startswith("skipped")]
    L.append("## Not available in this run")
    L.append("")
    if missing:
        L.extend(f"- {g.scenario} {g.target} {TOOL_LABEL.get(g.tool, g.tool)}: {g.unavailable}" for g in missing)
    else:
        L.append("- nothing: every mailflow verb and peer tool was there (skipped batch sizes are listed in their table).")
    L.append("")
    L.append("Correct: ✅ the verdict matches the lab's ground truth; ◐ partly (the number is right, the diagnosis is "
             "missing); ❌ wrong or no verdict. Ground truth: `tests/lab/addresses.md`.")
    L.append("")
    return "\n".join(L)


def scorecard(groups):
    """One line per lab case, one column per tool: is each tool's verdict right?"""
    cases, tools = OrderedDict(), []
    for (scen, target, tool), g in groups.items():
        if scen not in ("mtu", "dns", "smtp"):
            continue
        label = {"mtu": lambda t: f"{t} ({MTU_TRUTH.get(t, {}).get('label', '')})",
                 "dns": lambda t: f"DNS {t} ({DNS_TRUTH.get(t, {}).get('label', '')})",
                 "smtp": lambda t: f"SMTP .25 ({t})"}[scen](target)
        cases.setdefault(label, {})[tool] = g
        if tool not in tools:
            tools.append(tool)
    if not cases:
        return []
    out = ["## Verdicts at a glance", "",
           "Whether each tool's verdict matches the lab's ground truth (✅ right, ◐ partly, ❌ wrong, "
           "n/a not run, blank: not that tool's job).", "",
           "| Lab case | " + " | ".join(TOOL_LABEL.get(t, t) for t in tools) + " |",
           "| --- |" + " --- |" * len(tools)]
    totals = {t: [0, 0] for t in tools}
    for label, tg in cases.items():
        cells = []
        for t in tools:
            g = tg.get(t)
            if g is None:
                cells.append("")
            elif g.unavailable or not g.runs:
                cells.append("n/a")
            else:
                c, _ = g.correctness
                cells.append(MARK[c])
                totals[t][1] += 1
                totals[t][0] += c == OK
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("| **right** | " + " | ".join(f"**{a} of {b}**" if b else "" for a, b in totals.values()) + " |")
    out.append("")
    return out


def load_range(groups):
    loads = [r.get("load1") for g in groups.values() for r in g.runs if r.get("load1") is not None]
    return f", 1-minute load during the runs {min(loads):.1f}–{max(loads):.1f}" if loads else ""


def row_mtu_dns(target, label, truth, tool, g, mine):
    name = TOOL_LABEL.get(tool, tool)
    if tool == "mailflow" and target == "198.51.100.26":
        name = "mailflow (default, then --method Sweep)"
    head = f"| {target} ({label}) | {truth} | {name}"
    if g.unavailable:
        return f"{head} | not available: {g.unavailable} | – | – | – |"
    c, note = g.correctness
    r = ratio(g, mine) if tool != "mailflow" else None
    return f"{head} | {g.verdict_text} | {MARK[c]} {note} | {g.time_cell()} | {fmt_peer(r)} |"


def stage_agreement(smtp):
    rows = []
    for target, tg in smtp.items():
        a, b = tg.get("mailflow"), tg.get("swaks")
        if not a or not b or not a.runs or not b.runs:
            continue

        def per_stage(g):
            codes, ms = {}, defaultdict(list)
            for r in g.runs:
                for s in (r.get("verdict") or {}).get("stages", []):
                    codes.setdefault(s["stage"], s.get("code"))
                    if s.get("ms") is not None:
                        ms[s["stage"]].append(s["ms"])
            return codes, {k: med(v) for k, v in ms.items()}

        ca, ma = per_stage(a)
        cb, mb = per_stage(b)
        for stage in ("Banner", "Ehlo", "StartTls", "EhloTls", "MailFrom", "RcptTo"):
            if stage not in ca and stage not in cb:
                continue
            x, y = ma.get(stage), mb.get(stage)
            diff = f"{x - y:+.1f} ms" if x is not None and y is not None else "–"
            same = "" if ca.get(stage) == cb.get(stage) else " ⚠"
            rows.append(f"| {target} | {stage} | {ca.get(stage, '–')} | {cb.get(stage, '–')}{same} | "
                        f"{'–' if x is None else f'{x:.1f}'} | {'–' if y is None else f'{y:.1f}'} | {diff} |")
    return rows


def headlines(groups, rates):
    out = []
    mtu = by_scenario(groups, "mtu")
    for target in ("198.51.100.27", "2001:db8:5::27"):
        tg = mtu.get(target, {})
        mine = tg.get("mailflow")
        if not mine or not mine.runs:
            continue
        c, _ = mine.correctness
        parts = []
        for peer in ("tracepath", "scamper", "ping-bisect"):
            g = tg.get(peer)
            if g and g.runs:
                pc, _ = g.correctness
                r = ratio(g, mine)
                rel = f"{fmt_ratio(r)} faster than" if r and r >= 1 else f"{fmt_ratio(1 / r)} slower than" if r else "vs"
                parts.append(f"{rel} {TOOL_LABEL[peer]} ({fmt_ms(g.median)}, {MARK[pc]} {g.verdict_text})")
        out.append(f"Black hole {target}: mailflow {MARK[c]} \"{mine.verdict_text}\" in {fmt_ms(mine.median)}; " + "; ".join(parts) + ".")
    dns = by_scenario(groups, "dns")
    for target in ("198.51.100.54", "198.51.100.55"):
        tg = dns.get(target, {})
        mine, dig = tg.get("mailflow"), tg.get("dig")
        if mine and mine.runs and dig and dig.runs:
            c, _ = mine.correctness
            dc, _ = dig.correctness
            out.append(f"DNS {target} ({DNS_TRUTH[target]['label']}): mailflow {MARK[c]} {fmt_ms(mine.median)} vs sequential dig "
                       f"{MARK[dc]} {fmt_ms(dig.median)} (dig {fmt_peer(ratio(dig, mine))}).")
    smtp = by_scenario(groups, "smtp")
    tg = smtp.get("plain", {})
    if tg.get("mailflow") and tg["mailflow"].runs and tg.get("swaks") and tg["swaks"].runs:
        out.append(f"SMTP to RCPT: mailflow {fmt_ms(tg['mailflow'].median)} vs swaks {fmt_ms(tg['swaks'].median)} "
                   f"(swaks {fmt_peer(ratio(tg['swaks'], tg['mailflow']))}; both see the same replies).")
    batch = by_scenario(groups, "batch")
    for target, tg in batch.items():
        bits = []
        for tool, g in tg.items():
            if g.runs and g.median:
                rss = g.peak_rss_kb
                bits.append(f"{TOOL_LABEL.get(tool, tool)} {fmt_rate(int(target) * 1000 / g.median)} domains/s"
                            + (f" ({rss / 1024:.0f} MB peak)" if rss else ""))
        if bits:
            out.append(f"Batch of {target}: " + "; ".join(bits) + ".")
    for (target, unit), recs in rates.items():
        rs = [r["rate"] for r in recs if r.get("rate") is not None]
        if rs:
            out.append(f"Parser: {fmt_rate(med(rs))} {unit} ({target}).")
    return out


# --------------------------------------------------------------------------- SVG --


def svg(meta, groups, rates):
    W, left, right = 980, 300, 210
    plot_w = W - left - right
    parts, y = [], 0

    def text(x, yy, s, size=12, anchor="start", weight="normal", fill="#1f2328"):
        parts.append(f'<text x="{x:.1f}" y="{yy:.1f}" font-size="{size}" text-anchor="{anchor}" '
                     f'font-weight="{weight}" fill="{fill}">{html.escape(str(s))}</text>')

    y += 28
    text(16, y, f"MailFlowTools vs peer tools — {meta.get('date', '?')}, commit {meta.get('commit', '?')}", 17, weight="bold")
    y += 18
    text(16, y, "Time to verdict on the lab paths (log scale, median; whiskers min–max). ✓ correct, ◐ partly, ✗ wrong.", 12,
         fill="#57606a")
    y += 14

    # ---- panel 1: time to verdict
    rows = []
    for scen, title in (("mtu", "Path MTU"), ("dns", "DNS matrix"), ("smtp", "SMTP to RCPT")):
        for target, tg in by_scenario(groups, scen).items():
            label = {"mtu": lambda t: f"{t} ({MTU_TRUTH.get(t, {}).get('label', '')})",
                     "dns": lambda t: f"{t} ({DNS_TRUTH.get(t, {}).get('label', '')})",
                     "smtp": lambda t: f".25 {t}"}[scen](target)
            rows.append(("group", f"{title}: {label}", None))
            for tool, g in tg.items():
                rows.append(("bar", tool, g))
    lo_ms, hi_ms = 10.0, 200000.0
    xs = [w for kind, _, g in rows if kind == "bar" for w in g.walls]
    if xs:
        lo_ms = 10 ** math.floor(math.log10(max(1.0, min(xs))))
        hi_ms = 10 ** math.ceil(math.log10(max(xs)))

    def xpos(ms):
        ms = min(max(ms, lo_ms), hi_ms)
        return left + plot_w * (math.log10(ms) - math.log10(lo_ms)) / (math.log10(hi_ms) - math.log10(lo_ms))

    top = y + 10
    bar_h, row_h, group_h = 12, 17, 20
    height = sum(group_h if k == "group" else row_h for k, _, _ in rows)
    # grid
    d = lo_ms
    while d <= hi_ms * 1.0001:
        gx = xpos(d)
        parts.append(f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{top + height}" stroke="#d0d7de" stroke-width="1"/>')
        text(gx, top + height + 14, fmt_axis(d), 10, "middle", fill="#57606a")
        d *= 10
    yy = top
    for kind, name, g in rows:
        if kind == "group":
            yy += group_h
            text(16, yy - 5, name, 12, weight="bold")
            continue
        yy += row_h
        label = TOOL_LABEL.get(name, name)
        text(left - 8, yy - 4, label, 11, "end")
        if g.unavailable:
            text(left + 4, yy - 4, "not available", 11, fill="#57606a")
            continue
        if g.median is None:
            continue
        c, _ = g.correctness
        color = COLORS.get(name, "#57606a")
        x0, x1 = left, xpos(g.median)
        parts.append(f'<rect x="{x0}" y="{yy - bar_h - 1}" width="{max(1.0, x1 - x0):.1f}" height="{bar_h}" '
                     f'fill="{color}" opacity="{1.0 if name in MAILFLOW_TOOLS else 0.75}"/>')
        mn, mx = g.spread
        if mn is not None and mx is not None and mx > mn:
            cy = yy - bar_h / 2 - 1
            parts.append(f'<line x1="{xpos(mn):.1f}" y1="{cy:.1f}" x2="{xpos(mx):.1f}" y2="{cy:.1f}" stroke="#1f2328" stroke-width="1"/>')
            for v in (mn, mx):
                parts.append(f'<line x1="{xpos(v):.1f}" y1="{cy - 4:.1f}" x2="{xpos(v):.1f}" y2="{cy + 4:.1f}" stroke="#1f2328" stroke-width="1"/>')
        mark = {OK: "✓", PARTIAL: "◐", WRONG: "✗", None: ""}[c]
        mcolor = {OK: "#1a7f37", PARTIAL: "#9a6700", WRONG: "#cf222e", None: "#57606a"}[c]
        verdict = g.verdict_text
        if len(verdict) > 30:
            verdict = verdict[:29] + "…"
        text(max(x1, xpos(mx or g.median)) + 6, yy - 3, f"{fmt_ms(g.median)} {mark} {verdict}", 10, fill=mcolor)
    y = top + height + 30

    # ---- panel 2: batch throughput
    batch = by_scenario(groups, "batch")
    brow = [(target, tool, g) for target, tg in batch.items() for tool, g in tg.items()]
    if brow:
        y += 16
        text(16, y, "Batch throughput, domains/s (log scale; label: rate and peak memory)", 13, weight="bold")
        rates_b = [int(t) * 1000 / g.median for t, _, g in brow if g.median]
        r_lo = 10 ** math.floor(math.log10(min(rates_b))) if rates_b else 0.1
        r_hi = 10 ** math.ceil(math.log10(max(rates_b) * 1.0001)) if rates_b else 1000.0
        if r_hi <= r_lo:
            r_hi = r_lo * 10

        def rpos(r):
            r = min(max(r, r_lo), r_hi)
            return plot_w * (math.log10(r) - math.log10(r_lo)) / (math.log10(r_hi) - math.log10(r_lo))

        btop = y + 6
        y += 6
        last = None
        for target, tool, g in brow:
            if target != last:
                y += 18
                text(16, y - 4, f"{target} domains", 12, weight="bold")
                last = target
            y += row_h
            text(left - 8, y - 4, TOOL_LABEL.get(tool, tool), 11, "end")
            if g.unavailable or not g.median:
                text(left + 4, y - 4, "not available" if not g.unavailable else g.unavailable[:70], 10, fill="#57606a")
                continue
            r = int(target) * 1000 / g.median
            wpx = max(2.0, rpos(r))
            parts.append(f'<rect x="{left}" y="{y - bar_h - 1}" width="{max(1.0, wpx):.1f}" height="{bar_h}" '
                         f'fill="{COLORS.get(tool, "#57606a")}"/>')
            rss = g.peak_rss_kb
            text(left + wpx + 6, y - 3, f"{fmt_rate(r)}/s" + (f", {rss / 1024:.0f} MB" if rss else ""), 10)
        d = r_lo
        while d <= r_hi * 1.0001:
            gx = left + rpos(d)
            parts.append(f'<line x1="{gx:.1f}" y1="{btop}" x2="{gx:.1f}" y2="{y + 2}" stroke="#d0d7de" stroke-width="1"/>')
            text(gx, y + 14, f"{d:g}/s", 10, "middle", fill="#57606a")
            d *= 10
        y += 28

    # ---- panel 3: parsers
    prow = [(target, unit, [r["rate"] for r in recs if r.get("rate") is not None]) for (target, unit), recs in rates.items()]
    prow = [p for p in prow if p[2]]
    if prow:
        y += 16
        text(16, y, "Parser throughput (one process, tight loop; median of runs)", 13, weight="bold")
        y += 8
        top_rate = max(med(rs) for _, _, rs in prow)
        for target, unit, rs in prow:
            y += row_h
            text(left - 8, y - 4, target, 11, "end")
            wpx = plot_w * med(rs) / top_rate
            parts.append(f'<rect x="{left}" y="{y - bar_h - 1}" width="{max(1.0, wpx):.1f}" height="{bar_h}" fill="#1f6feb"/>')
            text(left + wpx + 6, y - 3, f"{fmt_rate(med(rs))} {unit}", 10)
        y += 20

    y += 10
    text(16, y, "bash tests/bench/run.sh — tests/bench/results", 10, fill="#57606a")
    y += 12
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{y}" viewBox="0 0 {W} {y}" '
            f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
            f'<rect width="{W}" height="{y}" fill="#ffffff"/>')
    return head + "".join(parts) + "</svg>\n"


def appended_section(path):
    """Another benchmark's report of the same run, its headings one level down, under a heading of its own."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        return f"\n## {path}\n\nNot available: {e.strerror}.\n"
    out = [""]
    for line in lines:
        out.append("#" + line if line.startswith("#") else line)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw")
    ap.add_argument("--md", required=True)
    ap.add_argument("--svg", required=True)
    ap.add_argument("--append", action="append", default=[],
                    help="a Markdown report of another benchmark of the same run (native.sh, mxpath-throttle.sh), "
                         "added as a section")
    a = ap.parse_args()
    meta, delivered, groups, rates = load(a.raw)
    with open(a.md, "w", encoding="utf-8") as f:
        f.write(markdown(meta, delivered, groups, rates))
        for path in a.append:
            f.write(appended_section(path))
    with open(a.svg, "w", encoding="utf-8") as f:
        f.write(svg(meta, groups, rates))


if __name__ == "__main__":
    main()
