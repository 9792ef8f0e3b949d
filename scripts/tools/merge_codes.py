"""Merge coders' batch files into one coder file, checked (outside the workflow).

  python scripts/tools/merge_codes.py --to-code wave1_to_code.csv \
      --batches coded/batch_*_W1A*.csv --out wave1_coder_a.csv

Every batch is checked cell by cell (errors name file and line); an item
coded twice, or an item of ``--to-code`` with no code, is an error. The
merged file keeps the items in the order of ``--to-code``.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from schemes.coding import CODE_FIELDS, read_item_codes  # noqa: E402
from schemes.textnorm import read_from_coders, write_for_coders  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--to-code", required=True, help="the coder file the batches came from")
    parser.add_argument("--batches", nargs="+", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    frames = []
    for path in args.batches:
        read_item_codes(path)  # every cell checked
        frames.append(read_from_coders(path)[["item_id", *CODE_FIELDS]])
    codes = pd.concat(frames, ignore_index=True)
    twice = codes["item_id"][codes["item_id"].duplicated()]
    if len(twice):
        raise SystemExit(f"items coded in two batches: {sorted(set(twice))[:5]}")
    wanted = read_from_coders(args.to_code)["item_id"]
    missing = sorted(set(wanted) - set(codes["item_id"]))
    extra = sorted(set(codes["item_id"]) - set(wanted))
    if missing or extra:
        raise SystemExit(
            f"{len(missing)} items of {args.to_code} have no code (e.g. {missing[:5]}); "
            f"{len(extra)} coded items are not in it (e.g. {extra[:5]})"
        )
    merged = codes.set_index("item_id").loc[wanted].reset_index()
    write_for_coders(merged, args.out)
    claims = (merged["claim"].astype(str) == "1").sum()
    western = (merged["anti_western"].astype(str) == "1").sum()
    print(f"{args.out}: {len(merged)} items, {claims} claims, {western} anti-Western")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
