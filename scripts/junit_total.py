"""Print one closing line, 'N passed, N failed, N skipped', over several JUnit XML reports."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def totals(paths: list[str]) -> dict[str, int]:
    count = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError):
            count["errors"] += 1  # a stream that wrote no report failed to run
            continue
        for suite in root.iter("testsuite"):
            for key in count:
                count[key] += int(suite.get(key, 0))
    return count


if __name__ == "__main__":
    c = totals(sys.argv[1:])
    failed = c["failures"] + c["errors"]
    print(f"{c['tests'] - failed - c['skipped']} passed, {failed} failed, {c['skipped']} skipped")
