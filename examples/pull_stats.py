#!/usr/bin/env python3
"""Pull CaseApi statistics and the NDJSON export into Python, with the standard library only.

    CASEAPI_URL=http://127.0.0.1:5080 CASEAPI_KEY=<key> python3 examples/pull_stats.py --group-by sector
    python3 examples/pull_stats.py --group-by sponsorType,year --sector aerospace --out cases.ndjson

The export is streamed line by line, so a large store never has to fit in memory. If pandas is installed, the
statistics are also shown as a DataFrame (pandas is optional).
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def get(base_url, api_key, path, params):
    """Opens GET base_url+path?params with the API key; the caller reads (or streams) the response."""
    query = urllib.parse.urlencode(params, doseq=True)  # repeatable filters: sector=a&sector=b
    request = urllib.request.Request(f"{base_url.rstrip('/')}{path}?{query}", headers={"X-Api-Key": api_key})
    try:
        return urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        # Errors are RFC 9457 problem documents: show their title and detail rather than a stack trace.
        body = error.read().decode("utf-8", "replace")
        try:
            problem = json.loads(body)
            message = f"{problem.get('title')} {problem.get('detail') or ''}".strip()
        except ValueError:
            message = body[:200]
        sys.exit(f"GET {path} failed: {error.code} {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("CASEAPI_URL", "http://127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("CASEAPI_KEY", ""), help="API key (or CASEAPI_KEY)")
    parser.add_argument("--group-by", default="sector", help="one or two dimensions, e.g. sector or sponsorType,year")
    parser.add_argument("--sector", action="append", default=[], help="filter, repeatable")
    parser.add_argument("--out", help="also write the export to this NDJSON file")
    args = parser.parse_args()
    filters = {"sector": args.sector} if args.sector else {}

    with get(args.url, args.key, "/api/v1/stats/cases", {"groupBy": args.group_by, "sort": "-count", **filters}) as response:
        stats = json.load(response)
    dims = stats["groupBy"]
    print(f"{stats['total']} cases, grouped by {', '.join(dims)}:")
    for row in stats["rows"]:
        label = " / ".join(str(row.get(d)) for d in dims)
        print(f"  {label:<40} {row['count']:>6}  {row['share']:6.1%}")

    cases = 0
    aligned = 0
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    try:
        with get(args.url, args.key, "/api/v1/cases/export", {"format": "ndjson", **filters}) as response:
            for line in response:  # streamed: one case per line
                if not line.strip():
                    continue
                case = json.loads(line)
                cases += 1
                aligned += bool(case.get("policyAligned"))
                if out:
                    out.write(line.decode("utf-8"))
    finally:
        if out:
            out.close()
    print(f"export: {cases} cases, {aligned} aligned with a Chinese policy document"
          + (f" ({aligned / cases:.1%})" if cases else "") + (f"; written to {args.out}" if args.out else ""))

    try:
        import pandas as pd  # optional
    except ImportError:
        return
    print(pd.DataFrame(stats["rows"]).to_string(index=False))


if __name__ == "__main__":
    main()
