#!/usr/bin/env python3
"""Renders docs/openapi.json as docs/API-REFERENCE.md (one table per tag: operation, summary,
authentication, answers). Run after changing the document; a unit test
(tests/host/contract/openapi_test.cpp) fails while an operation is missing from the page."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
doc = json.loads((root / "docs/openapi.json").read_text())
AUTH = {"userJwt": "JWT", "legacyUserJwt": "JWT (query)", "ringCentralAccessToken": "RingCentral token",
        "legacyRingCentralAccessToken": "RingCentral token (query)", "opsToken": "ops token",
        "pipedriveBasic": "Pipedrive Basic"}


def answers(op):
    out = []
    for status, r in op["responses"].items():
        if "$ref" in r:
            r = doc["components"]["responses"][r["$ref"].split("/")[-1]]
        kinds = sorted((r.get("content") or {}).keys())
        out.append(f"{status} {', '.join(k.split('/')[-1] for k in kinds)}".strip())
    return "; ".join(out)


lines = ["# crmhostd HTTP API reference", "",
         "Generated from [openapi.json](openapi.json) by `scripts/render-openapi.py`; the daemon serves "
         "the same document at `GET /openapi.json`. [API.md](API.md) explains the behaviour behind "
         "each route and where crmhostd answers differently from the reference.", ""]
by_tag = {}
for path, item in doc["paths"].items():
    listener = "ops" if "servers" in item else "App Connect"
    for method, op in item.items():
        if method == "servers":
            continue
        tag = (op.get("tags") or ["Other"])[0]
        auth = sorted({AUTH.get(k, k) for s in op.get("security", []) for k in s}) or ["none"]
        by_tag.setdefault((listener, tag), []).append(
            f"| `{method.upper()} {path}` | {op['summary']} | {' or '.join(auth)} | {answers(op)} |")
for (listener, tag), rows in sorted(by_tag.items()):
    lines += [f"## {tag} ({listener} listener)", "", "| Operation | What it does | Auth | Answers |",
              "|---|---|---|---|", *sorted(rows), ""]
(root / "docs/API-REFERENCE.md").write_text("\n".join(lines))
