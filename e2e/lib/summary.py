"""Prints the end-to-end phases as they ran: passed, FAILED, or SKIPPED with the reason (a part of
one-scaphandre that is not there yet says "MISSING PART: ..."), then the figures measured.
Exit status 1 when a phase failed or when no phase passed at all.
usage: summary.py FAILSAFE_REPORTS_DIR FIGURES_TSV"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def phases(report_dir):
    for path in sorted(glob.glob(os.path.join(report_dir, "TEST-*.xml"))):
        suite = ET.parse(path).getroot()
        for case in suite.iter("testcase"):
            phase = case.get("classname", "?").rsplit(".", 1)[-1]
            name = case.get("name", "?")
            status, detail = "passed", ""
            for tag, label in (("failure", "FAILED"), ("error", "FAILED"), ("skipped", "SKIPPED")):
                element = case.find(tag)
                if element is not None:
                    status = label
                    detail = (element.get("message") or element.text or "").strip().splitlines()
                    detail = detail[0][:300] if detail else ""
                    break
            yield phase, name, status, detail, float(case.get("time", "0") or 0)


def main():
    report_dir, figures = sys.argv[1], sys.argv[2]
    rows = list(phases(report_dir))
    print("\n==== one-scaphandre end-to-end phases ====")
    for phase, name, status, detail, seconds in rows:
        line = f"{status:8} {phase}.{name} ({seconds:.1f}s)"
        print(line + (f"\n         {detail}" if detail else ""))
    missing = sorted({d for _, _, s, d, _ in rows if s == "SKIPPED" and "MISSING PART" in d})
    if missing:
        print("\nPhases skipped because a part is missing (they run once it lands on main):")
        for reason in missing:
            print("  - " + reason[reason.index("MISSING PART"):])
    if os.path.exists(figures):
        print("\n==== figures (phase, what, value, unit) ====")
        with open(figures, encoding="utf-8") as f:
            for line in f:
                print("  " + line.rstrip("\n").replace("\t", " | "))
    passed = sum(1 for r in rows if r[2] == "passed")
    failed = sum(1 for r in rows if r[2] == "FAILED")
    skipped = sum(1 for r in rows if r[2] == "SKIPPED")
    print(f"\ne2e: {passed} passed, {failed} failed, {skipped} skipped")
    if not rows:
        print("e2e: no phase report found in " + report_dir)
        return 1
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
