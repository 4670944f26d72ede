#!/usr/bin/env python3
"""Whole-process timings of the `patchbay` CLI on a 10,000-type catalog.

Measures what a person or script waits for: `patchbay import` of a 10,000-type bundle into a
fresh data folder, and `patchbay types list --json` on it from a warm page cache (median of 30
runs). Peak memory comes from the kernel's rusage of each child. Prints a Markdown table for
docs/BENCHMARKS.md.

Usage: python3 bench/cli_catalog.py [path/to/release/patchbay]
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = 10_000


def bundle(n):
    items = []
    for i in range(n):
        items.append({
            "slug": f"svc-{i:05}",
            "display_name": f"Service {i}",
            "description": "An internal service used by the benchmark",
            "base_url": "https://{{domain}}/api/v1",
            "docs_url": "https://docs.example.com/",
            "auth_patterns": [
                {"type": "api_key", "display_name": "API key",
                 "fields": [
                     {"field_name": "domain", "label": "Domain", "required": True},
                     {"field_name": "api_key", "label": "API key", "input_type": "password", "required": True}],
                 "api_key": {"in": "header", "name": "X-API-Key"}},
                {"type": "basic", "fields": [
                    {"field_name": "domain", "label": "Domain", "required": True},
                    {"field_name": "username", "label": "User", "required": True},
                    {"field_name": "password", "label": "Password", "input_type": "password"}]},
            ],
            "actions": [
                {"name": "list_items", "method": "GET", "path": "/items"},
                {"name": "create_item", "method": "POST", "path": "/items",
                 "body": {"content_type": "application/json", "template": "{\"name\": \"x\"}"}},
            ],
        })
    return {"format": "patchbay.bundle", "version": 1, "integrations": items}


def timed(cmd, env, keep_output=True):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.PIPE if keep_output else subprocess.DEVNULL
    done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {done.stderr.decode()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before), done.stdout


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "patchbay")
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "-p", "patchbay-cli"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bundle.json")
        with open(path, "w") as f:
            json.dump(bundle(N), f)
        env = dict(os.environ, PATCHBAY_DATA_DIR=os.path.join(tmp, "data"), PATCHBAY_VAULT_PASSPHRASE="bench passphrase for patchbay")
        imp, imp_rss, _ = timed([binary, "import", path], env)
        runs = []
        for _ in range(3):  # warm the page cache
            timed([binary, "types", "list", "--json"], env)
        for _ in range(30):
            # Output to /dev/null: the target is Patchbay's work, not this script's reading of 4.6 MB.
            t, _, _ = timed([binary, "types", "list", "--json"], env, keep_output=False)
            runs.append(t)
        out = timed([binary, "types", "list", "--json"], env)[2]
        listed = len(json.loads(out))
        assert listed == N, f"listed {listed} types"
        exp = [timed([binary, "export", "-o", os.path.join(tmp, "out.json")], env)[0] for _ in range(5)]
    print("| measurement (whole `patchbay` process, release build) | result | target |")
    print("|---|---|---|")
    print(f"| `patchbay import` of a {N:,}-type bundle | {imp * 1000:.0f} ms (peak RSS {imp_rss / 1024:.0f} MiB) | < 1 s |")
    print(f"| `patchbay types list --json` of {N:,} types, warm, stdout to /dev/null, median of 30 | {statistics.median(runs) * 1000:.1f} ms (min {min(runs) * 1000:.1f}, max {max(runs) * 1000:.1f}) | < 20 ms |")
    print(f"| `patchbay export -o FILE` of {N:,} types, median of 5 | {statistics.median(exp) * 1000:.0f} ms | < 1 s |")


if __name__ == "__main__":
    main()
