"""`make bench`: runs every benchmark in bench/ at its default scale and prints each JSON line."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    names = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if not p.stem.startswith("_"))
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{name}", *sys.argv[1:]], cwd=ROOT, capture_output=True, text=True
        )
        sys.stdout.write(result.stdout[-4000:])
        lines = result.stdout.strip().splitlines()
        try:
            json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            failed.append(name)
            sys.stderr.write(result.stderr[-4000:])
    if failed:
        sys.exit(f"benchmarks without a JSON result line: {failed}")


if __name__ == "__main__":
    main()
