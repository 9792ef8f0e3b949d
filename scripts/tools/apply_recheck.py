"""Apply a coding-guide revision's re-check to a coded file (outside the workflow).

  python scripts/tools/apply_recheck.py --codes gold.csv --recheck recheck_v2.1.csv \
      --recoded recheck_v2.1_coder_R1.csv --out gold.csv

``recheck`` lists every re-checked item: its codes before, the independent
recoder's, and the adjudicated final codes (``schemes.coding.RECHECK_COLUMNS``).
Items whose final codes differ take them (with the recoder's fields and the
adjudication's reason); every other item is unchanged. With
``--adjudication``, the adjudication rows of changed items are updated too,
so that the gold file still follows its adjudication.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from schemes.coding import apply_recheck, read_item_codes  # noqa: E402
from schemes.textnorm import read_from_coders, write_for_coders  # noqa: E402


def update_adjudication(path, recheck: pd.DataFrame) -> int:
    """Set ``final`` (and the reason) of adjudicated disagreements the re-check changed."""
    adjudication = read_from_coders(path)
    changed = recheck[recheck["decision"].str.startswith("changed")].set_index("item_id")
    n = 0
    for index, row in adjudication.iterrows():
        if row["item_id"] in changed.index:
            final = changed.loc[row["item_id"], row["field"]]
            if str(final) != str(row["final"]):
                adjudication.at[index, "final"] = str(final)
                adjudication.at[index, "reason"] = changed.loc[row["item_id"], "reason"]
                n += 1
    write_for_coders(adjudication, path)
    return n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--codes", required=True)
    parser.add_argument("--recheck", required=True)
    parser.add_argument("--recoded", required=True)
    parser.add_argument("--adjudication")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    recheck = pd.read_csv(args.recheck, dtype=str, keep_default_na=False)
    codes = read_from_coders(args.codes)
    read_item_codes(args.codes)  # checks every cell first
    updated = apply_recheck(codes, recheck, read_item_codes(args.recoded))
    changed = int((updated["coder"].astype(str).str.endswith("recheck v2.1")).sum())
    write_for_coders(updated, args.out)
    print(f"{args.out}: {changed} items changed by the re-check")
    if args.adjudication:
        print(
            f"{args.adjudication}: {update_adjudication(args.adjudication, recheck)} rows updated"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
