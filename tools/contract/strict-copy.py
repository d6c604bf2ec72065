"""Writes a strict copy of the contract for the validating proxy in CI.

The published contract leaves response schemas open to new members (the tolerant reader: clients ignore members they
do not know; docs/reference/compatibility.md). The service must still send only what it declares, so CI validates its
answers against this copy, in which every object schema with declared members forbids any other member.

    python3 tools/contract/strict-copy.py src/CaseApi/openapi/v1.json /tmp/v1.strict.json
"""
import json
import sys


def close(node):
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            close(value)
    elif isinstance(node, list):
        for value in node:
            close(value)


def main(source, target):
    with open(source, encoding="utf-8") as f:
        document = json.load(f)
    close(document.get("components", {}).get("schemas", {}))
    close(document.get("paths", {}))
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
