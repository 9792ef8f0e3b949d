"""Build the final gold codes of a coded item sample (outside the workflow).

  # 1. list the disagreements between the two independent codings
  python scripts/tools/build_gold.py disagreements --first coder_a.csv --second coder_b.csv --out to_adjudicate.csv
  # 2. adjudicate each row (columns final, reason), then write the gold file
  python scripts/tools/build_gold.py gold --first coder_a.csv --second coder_b.csv \
      --adjudication adjudication.csv --out gold.csv

Both steps check every file cell by cell; a problem is one line naming the
file, the line and the fix (exit status 1).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemes.coding import CodedFileError, build_gold, read_item_codes, reliability  # noqa: E402
from schemes.textnorm import read_from_coders, write_for_coders  # noqa: E402


def main(argv=None) -> int:
    try:
        return build(argv)
    except (CodedFileError, OSError) as err:
        print(f"build_gold.py: {err}", file=sys.stderr)
        return 1


def build(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=["disagreements", "gold"])
    parser.add_argument("--first", required=True, help="first coding of every sampled item")
    parser.add_argument(
        "--second", required=True, help="independent second coding of the double-coded items"
    )
    parser.add_argument("--adjudication", help="adjudicated disagreements (step gold)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    first, second = read_item_codes(args.first), read_item_codes(args.second)
    if args.step == "disagreements":
        _, disagreements = reliability(first, second, n_boot=1, seed=0)
        write_for_coders(disagreements.assign(final="", reason=""), args.out)
        print(f"{len(disagreements)} disagreements written to {args.out}")
        return 0
    if not args.adjudication:
        parser.error("step gold needs --adjudication")
    adjudication = read_from_coders(args.adjudication)
    gold = build_gold(first, second, adjudication, path=args.adjudication)
    write_for_coders(gold, args.out)
    print(
        f"{len(gold)} items, {int(gold['claim'].sum())} claims, {int(gold['anti_western'].sum())} anti-Western"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
