#!/usr/bin/env python3
"""Whole-process timings and peak memory of sharing (issue 5): `patchbay import` of a
10,000-type bundle and of a 5 MB OpenAPI document, each into a fresh data folder, and
`patchbay export` of the 10,000 types. Median of 5 runs each; peak RSS from the kernel's
rusage of each child (os.wait4). Prints a Markdown table for docs/BENCHMARKS.md.

The OpenAPI document is generated: 2,900 paths with a GET and a POST each, path and query
parameters, a $ref'd request schema, two security schemes — the shape of a large vendor API.

Usage: python3 bench/import_sharing.py [path/to/release/patchbay]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_catalog import ROOT, N, bundle  # noqa: E402  (the same 10,000-type bundle)

RUNS = 5
# About 5 MB of pretty-printed JSON.
PATHS = 2_900


def openapi(paths):
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Generated Big API", "description": "A large generated API.", "version": "1"},
        "servers": [{"url": "https://{region}.api.example.com/v1",
                     "variables": {"region": {"default": "eu", "description": "Region"}}}],
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
                    "tokenUrl": "https://auth.example.com/token", "scopes": {"read": "Read", "write": "Write"}}}},
            },
            "schemas": {},
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
        },
        "paths": {},
    }
    for i in range(paths):
        name = f"Resource{i}"
        doc["components"]["schemas"][name] = {
            "type": "object",
            "description": "A generated resource with a few typed properties. " * 3,
            "properties": {
                "id": {"type": "string", "example": f"r_{i}"},
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "owner": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"}}},
            },
        }
        doc["paths"][f"/resources{i}/{{id}}"] = {
            "parameters": [{"name": "id", "in": "path", "required": True, "description": "The resource id"}],
            "get": {"operationId": f"getResource{i}", "summary": f"Get resource {i}",
                    "description": "Returns one resource. " * 8,
                    "parameters": [{"$ref": "#/components/parameters/Limit"},
                                   {"name": "expand", "in": "query", "required": True}],
                    "responses": {"200": {"description": "OK"}}},
            "post": {"operationId": f"updateResource{i}", "summary": f"Update resource {i}",
                     "requestBody": {"content": {"application/json": {
                         "schema": {"$ref": f"#/components/schemas/{name}"}}}},
                     "responses": {"200": {"description": "OK"}}},
        }
    return doc


def run(cmd, env):
    """(seconds, peak RSS in MiB) of one child."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024


def fresh_import(binary, tmp, path, label):
    times, peaks = [], []
    for i in range(RUNS):
        env = dict(os.environ, PATCHBAY_DATA_DIR=os.path.join(tmp, f"{label}-{i}"),
                   PATCHBAY_VAULT_PASSPHRASE="bench passphrase for patchbay")
        t, rss = run([binary, "import", path], env)
        times.append(t)
        peaks.append(rss)
    return statistics.median(times), max(peaks), env


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "patchbay")
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "-p", "patchbay-cli"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        bpath = os.path.join(tmp, "bundle.json")
        with open(bpath, "w") as f:
            json.dump(bundle(N), f)
        opath = os.path.join(tmp, "openapi.json")
        with open(opath, "w") as f:
            json.dump(openapi(PATHS), f, indent=1)
        osize = os.path.getsize(opath) / 1e6
        bsize = os.path.getsize(bpath) / 1e6
        b_t, b_rss, env = fresh_import(binary, tmp, bpath, "bundle")
        o_t, o_rss, _ = fresh_import(binary, tmp, opath, "openapi")
        exports = [run([binary, "export", "-o", os.path.join(tmp, "out.json")], env) for _ in range(RUNS)]
        e_t = statistics.median(t for t, _ in exports)
        e_rss = max(r for _, r in exports)
    print(f"| measurement (whole `patchbay` process, release build, median of {RUNS}) | time | peak RSS | target |")
    print("|---|---|---|---|")
    print(f"| `patchbay import` of a {N:,}-type bundle ({bsize:.0f} MB) into a fresh data folder | {b_t * 1000:.0f} ms | {b_rss:.0f} MiB | < 1 s |")
    print(f"| `patchbay import` of a {osize:.1f} MB OpenAPI document ({2 * PATHS:,} operations) | {o_t * 1000:.0f} ms | {o_rss:.0f} MiB | < 1 s |")
    print(f"| `patchbay export -o FILE` of {N:,} types | {e_t * 1000:.0f} ms | {e_rss:.0f} MiB | < 1 s |")


if __name__ == "__main__":
    main()
