"""Propose new item-level marker terms from embedding neighbours (for human review).

  python scripts/tools/propose_terms.py --markers config/lexicons/item_ru.yaml --out proposals.csv

For each one-word marker of the file, its nearest words in navec's news
embeddings (shipped inside the natasha wheel) that are not markers yet.
Nothing is added automatically: read each proposal against the coding guide,
and add the ones you adopt to the marker file with a note
("navec neighbour of X, reviewed").
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemes.itemrules import load_item_lexicon, load_navec, propose_terms  # noqa: E402
from schemes.nlp import Lemmatizer  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--markers", required=True, help="item-level marker YAML (Russian)")
    parser.add_argument("--out", required=True, help="CSV of proposals to review")
    parser.add_argument("--per-term", type=int, default=5)
    parser.add_argument("--min-cosine", type=float, default=0.5)
    args = parser.parse_args(argv)
    lemmatizer = Lemmatizer()
    markers = load_item_lexicon(args.markers, lemmatizer)
    table = propose_terms(
        load_navec(), markers, lemmatizer, per_term=args.per_term, min_cosine=args.min_cosine
    )
    table.to_csv(args.out, index=False)
    print(f"{len(table)} proposals written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
