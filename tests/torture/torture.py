#!/usr/bin/env python3
"""Allocation-failure torture (SQLite's and curl's method): every tool, run on a
fixture once for each allocation it makes, with that one allocation failing.

Each run is classified against the run where nothing fails:
  identical    the same output and the same exit status (the failure was handled
               and retried, or fell where it changes nothing);
  clean error  a non-zero exit with a message on stderr that says memory ran out
               (not a misleading "invalid JSON" or "must be strings"), and no
               record stream that a reader would accept as complete (ifs-dump
               refuses it).
Anything else fails the test: a signal, exit 0 with a different output, a
non-zero exit without a word, or a finished stream after a failure.
A case may name further files it writes (a reject file): "identical" covers them.

usage: torture.py --bin DIR --shim FILE [--max-points N] [--only NAME] [--failures FILE]
  --max-points N  try at most N failure points per case, spread evenly over the
                  run (the first 20 always); 0 = every point (make torture)
TORTURE_JOBS (default: the cores) runs of a case at once, where they share no file.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "fixtures")


def run(argv, env_extra, stdin_path=None, cwd=None):
    env = dict(os.environ)
    env.update(env_extra)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                           timeout=60)
    finally:
        if stdin_path:
            stdin.close()
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--max-points", type=int, default=0)
    ap.add_argument("--only")
    ap.add_argument("--failures", help="write every failure here, one a line (the summary shows 60)")
    args = ap.parse_args()
    b = lambda tool: os.path.join(args.bin, tool)
    work = tempfile.mkdtemp(prefix="ifs-torture-")
    key = os.path.join(work, "key")
    with open(key, "wb") as f:
        f.write(b"torture-key-0123456789abcdef0123")
    os.chmod(key, 0o600)
    survey_csv = os.path.join(FIX, "ifs", "deltagare-2022.csv")
    health_csv = os.path.join(FIX, "health", "enter-2022.csv")
    targets = os.path.join(FIX, "targets.json")

    # Inputs for the later stages, made by the earlier ones without failures.
    def make(path, argv):
        status, out, err = run(argv, {})
        if status != 0:
            sys.exit("torture: cannot prepare %s: %s" % (path, err.decode(errors="replace")))
        with open(path, "wb") as f:
            f.write(out)
        return path

    survey_rec = make(os.path.join(work, "survey.rec"), [b("ifs-survey"), survey_csv])
    health_rec = make(os.path.join(work, "health.rec"), [b("ifs-health"), "--key-file", key, health_csv])
    register_csv = os.path.join(FIX, "participants", "register-2022.csv")
    courses_rec = make(os.path.join(work, "courses.rec"), [b("ifs-participants"), "--key-file", key, register_csv])
    register_targets = os.path.join(FIX, "participants", "targets-register.json")
    both_rec = os.path.join(work, "both.rec")
    with open(both_rec, "wb") as f:
        f.write(open(survey_rec, "rb").read() + open(health_rec, "rb").read())
    shares_json = make(os.path.join(work, "shares.json"),
                       [b("ifs-shares"), "-t", targets, "--year", "2022", "--format", "json", both_rec])
    fetched = os.path.join(work, "fetched.csv")
    # The test HTTP server, for fetches with a token and with validators (a 304).
    port_file = os.path.join(work, "port")
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "server", "fault_server.py"), "--dir",
                               os.path.join(FIX, "ifs"), "--port-file", port_file, "--log", os.devnull])
    for _ in range(200):
        if os.path.exists(port_file) and os.path.getsize(port_file):
            break
        time.sleep(0.05)
    base = "http://127.0.0.1:%s" % open(port_file).read().strip()
    os.environ["IFS_TORTURE_TOKEN"] = "s3cret-token-value"
    conditional = os.path.join(work, "conditional.csv")
    status, _, err = run([b("ifs-fetch"), "-o", conditional, base + "/files/deltagare-2022.csv"], {})
    if status != 0:
        sys.exit("torture: cannot prepare the conditional fetch: %s" % err.decode(errors="replace"))
    saved = {p: open(p, "rb").read() for p in (conditional, conditional + ".meta")}

    def restore_conditional():
        for p, data in saved.items():
            with open(p, "wb") as f:
                f.write(data)
        return conditional

    def reset_fetch():
        for p in (fetched, fetched + ".meta"):
            if os.path.exists(p):
                os.unlink(p)
        return fetched

    rejects = os.path.join(work, "rejects.tsv")
    cp1252 = os.path.join(FIX, "ifs", "variants", "cp1252-semicolon-crlf.csv")
    # name, argv, output kind ("stream" or "text" on stdout, "file" for ifs-fetch), before-each hook,
    # further files the run writes
    cases = [
        ("ifs-survey-rejects", [b("ifs-survey"), "--rejects", rejects, os.path.join(FIX, "ifs", "with-errors.csv")],
         "stream", None, [rejects]),
        ("ifs-survey-cp1252", [b("ifs-survey"), cp1252], "stream", None),
        ("ifs-survey-xlsx", [b("ifs-survey"), "--rejects", rejects, os.path.join(FIX, "real", "ifs-office.xlsx")],
         "stream", None, [rejects]),
        ("ifs-health-xlsx", [b("ifs-health"), "--key-file", key, os.path.join(FIX, "health", "enter-2022.xlsx")],
         "stream", None),
        ("ifs-survey-utf16", [b("ifs-survey"), os.path.join(FIX, "ifs", "variants", "utf16le-tab-crlf.txt")],
         "stream", None),
        ("ifs-survey-json-gz", [b("ifs-survey"), os.path.join(FIX, "ifs", "variants", "export.json"),
                                os.path.join(FIX, "ifs", "variants", "export.csv.gz")], "stream", None),
        ("ifs-health-rejects", [b("ifs-health"), "--key-file", key, "--rejects", rejects,
                                os.path.join(FIX, "health", "with-errors.csv")], "stream", None, [rejects]),
        ("ifs-survey", [b("ifs-survey"), survey_csv], "stream", None),
        ("ifs-survey-key", [b("ifs-survey"), "--key-file", key, survey_csv], "stream", None),
        ("ifs-health", [b("ifs-health"), "--key-file", key, health_csv], "stream", None),
        ("ifs-shares-tsv", [b("ifs-shares"), "-t", targets, "--year", "2022", both_rec], "text", None),
        ("ifs-shares-json", [b("ifs-shares"), "-t", targets, "--year", "2022", "--format", "json", both_rec],
         "text", None),
        ("ifs-report-md", [b("ifs-report"), shares_json], "text", None),
        ("ifs-report-html", [b("ifs-report"), "--format", "html", shares_json], "text", None),
        ("ifs-dump", [b("ifs-dump"), both_rec], "text", None),
        ("ifs-participants", [b("ifs-participants"), "--key-file", key, register_csv], "stream", None),
        ("ifs-flow", [b("ifs-flow"), "--year", "2022", courses_rec], "text", None),
        ("ifs-shares-outcomes", [b("ifs-shares"), "-t", register_targets, "--year", "2022", "--format", "json",
                                 courses_rec], "text", None),
        # two threads (--jobs 2 splits any file): a failure on the second thread's side
        # leaves its rows to the first, which gives the same stream; the second thread's
        # blocks through a temporary file too
        ("ifs-survey-split", [b("ifs-survey"), "--jobs", "2", survey_csv], "stream", None),
        ("ifs-survey-split-spilled", [b("ifs-survey"), "--jobs", "2", survey_csv], "stream", None, [],
         {"IFS_SPILL_AFTER": "0"}),
        # everything the repeat check and the dedup hold spilled to temporary files
        ("ifs-survey-spilled", [b("ifs-survey"), survey_csv], "stream", None, [], {"IFS_SPILL_AFTER": "0"}),
        ("ifs-shares-spilled", [b("ifs-shares"), "-t", targets, "--year", "2022", both_rec], "text", None, [],
         {"IFS_SPILL_AFTER": "0"}),
        ("ifs-fetch-file", [b("ifs-fetch"), "-o", fetched, "file://" + survey_csv], "file", reset_fetch),
        ("ifs-fetch-token", [b("ifs-fetch"), "--allow-http", "--token-env", "IFS_TORTURE_TOKEN", "--retries", "1",
                             "--backoff", "0.01", "-o", fetched, base + "/fault/401/deltagare-2022.csv"], "file", reset_fetch),
        ("ifs-fetch-304", [b("ifs-fetch"), "--retries", "1", "--backoff", "0.01", "-o", conditional, base + "/files/deltagare-2022.csv"],
         "file", restore_conditional),
    ]
    if args.only:
        cases = [c for c in cases if c[0] == args.only]
    count_file = os.path.join(work, "count")
    jobs = int(os.environ.get("TORTURE_JOBS") or os.cpu_count() or 1)
    failures = []
    print("%-16s %8s %8s %10s %11s %7s" % ("case", "points", "tried", "identical", "clean error", "failed"))
    def read_files(files):
        return [open(p, "rb").read() if os.path.exists(p) else None for p in files]

    def remove_files(files):
        for p in files:
            if os.path.exists(p):
                os.unlink(p)

    for case in cases:
        name, argv, kind, before = case[:4]
        files = case[4] if len(case) > 4 else []
        case_env = case[5] if len(case) > 5 else {}
        if before:
            before()
        remove_files(files)
        ref_status, ref_out, ref_err = run(argv, dict(case_env, LD_PRELOAD=args.shim, IFS_FAIL_AT="0",
                                                      IFS_ALLOC_COUNT=count_file))
        ref_files = read_files(files)
        target = argv[argv.index("-o") + 1] if kind == "file" else None
        if kind == "file":
            ref_out = open(target, "rb").read()
        if ref_status not in (0, 65) or (ref_status == 65 and not files):
            sys.exit("torture: %s fails without any failure: %s" % (name, ref_err.decode(errors="replace")))
        points = int(open(count_file).read())
        if args.max_points and points > args.max_points:
            step = max(1, (points - 20) // (args.max_points - 20))
            tried = sorted(set(list(range(1, 21)) + list(range(21, points + 1, step))))
        else:
            tried = list(range(1, points + 1))
        def judge(point):
            """'identical', 'clean', or the problem with the run failing at point."""
            if before:
                before()
            remove_files(files)
            status, out, err = run(argv, dict(case_env, LD_PRELOAD=args.shim, IFS_FAIL_AT=str(point)))
            if kind == "file":
                out = open(target, "rb").read() if os.path.exists(target) else None
            problem = None
            if status < 0:
                problem = "killed by signal %d" % -status
            elif status == ref_status and out == ref_out and read_files(files) == ref_files:
                return "identical"
            elif status == 0 or status == ref_status:
                problem = "exit %d (as without a failure) with a different output" % status
            elif not err.strip():
                problem = "exit %d without a message" % status
            elif b"out of memory" not in err.lower() and b"cannot allocate memory" not in err.lower():
                problem = "exit %d without saying memory ran out" % status
            elif kind == "stream" and out:
                streamed = os.path.join(work, "failed-%s-%d.rec" % (name, point))
                with open(streamed, "wb") as f:
                    f.write(out)
                dump_status, _, _ = run([b("ifs-dump"), streamed], {})
                os.unlink(streamed)
                if dump_status == 0:
                    problem = "exit %d, but the record stream was finished" % status
            elif kind == "file" and out is not None and out != ref_out:
                problem = "exit %d, and the target holds a different file" % status
            if not problem:
                return "clean"
            return "%s: allocation %d of %d: %s; stderr: %s" % (
                name, point, points, problem, err.decode(errors="replace").strip().replace("\n", " | ")[:300])

        # Runs that share nothing (no file they write, no hook before them) go side by
        # side, TORTURE_JOBS at a time (default: the cores); the others one by one.
        if files or before or jobs == 1:
            verdicts = [judge(point) for point in tried]
        else:
            with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
                verdicts = list(pool.map(judge, tried))
        identical = verdicts.count("identical")
        clean = verdicts.count("clean")
        failures.extend(v for v in verdicts if v not in ("identical", "clean"))
        print("%-16s %8d %8d %10d %11d %7d" % (name, points, len(tried), identical, clean,
                                               len(tried) - identical - clean))
        sys.stdout.flush()
    server.terminate()
    server.wait()
    shutil.rmtree(work)
    if args.failures:
        with open(args.failures, "w") as f:
            f.write("".join(line + "\n" for line in failures))
    for line in failures[:60]:
        print("FAIL " + line)
    if len(failures) > 60:
        print("... and %d more" % (len(failures) - 60))
    print("torture: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
