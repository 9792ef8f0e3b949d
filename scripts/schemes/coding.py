"""Coder files: what coders receive, what they return, and how codes become gold.

The unit is the **item** (a news item's title and lead, or a document),
coded by ``config/validation/item_coding_guide.md``. This module writes the
files coders fill in (:func:`export_for_coding`: the item's text and empty
code columns, shuffled, no machine code shown), reads them back checked
cell by cell (:func:`read_item_codes`: errors name file, line and problem),
joins the design to the final codes (:func:`load_gold`), measures agreement
between two independent codings (:func:`reliability`) and turns the first
coding plus adjudicated disagreements into the final codes
(:func:`build_gold`, :func:`check_adjudication`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from schemes.settings import Settings, key
from schemes.stats import krippendorff_alpha_ci
from schemes.textnorm import from_spreadsheet, read_from_coders, write_for_coders


class CodedFileError(ValueError):
    """A coder, gold, design or adjudication file with a problem (the message names file and line)."""


TRUE_VALUES = {"1", "yes", "y", "true", "да", "claim"}
FALSE_VALUES = {"0", "no", "n", "false", "нет", "not"}


def parse_binary(value, where: str):
    """A 1/0 (yes/no, да/нет) cell as 1.0/0.0; empty is NaN; anything else names ``where``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = str(value).strip().lower()
    if text == "":
        return np.nan
    if text in TRUE_VALUES:
        return 1.0
    if text in FALSE_VALUES:
        return 0.0
    raise CodedFileError(f"{where}: expected 1/0 or yes/no, found {value!r}")


CODE_FIELDS = [
    "claim",
    "anti_western",
    "accused",
    "accused_detail",
    "accuser",
    "stance",
    "doubt",
    "reason",
    "coder",
]


STANCES = {"", "asserted", "reported", "reported_with_denial", "dismissed"}


ACCUSED = {
    "",
    "usa",
    "uk",
    "nato",
    "eu",
    "west",
    "western_intel",
    "western_ngo",
    "foreign_unnamed",
    "russia",
    "ukraine",
    "georgia",
    "other_state",
    "domestic_opposition",
    "oligarch",
    "terrorists",
    "other",
}


TARGETS = {"claim": "any conspiracy claim", "anti_western": "anti-Western claim"}


def export_for_coding(
    documents: pd.DataFrame, sample: pd.DataFrame, seed: int, *, max_chars: int
) -> pd.DataFrame:
    """The items of ``sample`` with their text and empty code columns, in shuffled order.

    No stratum, split or machine code is shown: coders see only the item. A
    text longer than ``max_chars`` is cut there and flagged in ``truncated``.
    """
    docs = documents.set_index("doc_id")
    text = docs.loc[sample["item_id"], "text"].fillna("").to_numpy()
    out = pd.DataFrame(
        {
            "item_id": sample["item_id"].to_numpy(),
            "date": sample["date"].to_numpy(),
            "text": [t[:max_chars] for t in text],
            "truncated": [int(len(t) > max_chars) for t in text],
        }
    )
    out = out.iloc[np.random.default_rng(seed).permutation(len(out))].reset_index(drop=True)
    for field in CODE_FIELDS:
        out[field] = ""
    return out


def read_item_codes(path: str | Path) -> pd.DataFrame:
    """One coder's (or the adjudicated) item codes, checked cell by cell.

    Errors name the file, the line and the problem. ``claim`` is required on
    every row; ``anti_western`` may only be 1 when ``claim`` is 1; ``stance``
    and ``accused`` must come from the guide's lists; ``reason`` is required
    for every positive and every doubt.
    """
    coded = read_from_coders(path)
    missing = [c for c in ("item_id", "claim", "anti_western") if c not in coded.columns]
    if missing:
        raise CodedFileError(f"{path}: missing column(s) {', '.join(missing)}")
    for column in CODE_FIELDS:
        if column not in coded.columns:
            coded[column] = ""
    repeated = coded["item_id"].duplicated()
    if repeated.any():
        line = int(np.flatnonzero(repeated)[0]) + 2
        raise CodedFileError(
            f"{path}, line {line}: item_id {coded['item_id'][repeated].iloc[0]!r} repeated"
        )
    rows = []
    for line, row in enumerate(coded.to_dict("records"), start=2):
        where = f"{path}, line {line}"
        claim = parse_binary(row["claim"], where)
        if claim != claim:
            raise CodedFileError(f"{where}: claim is empty (code every item 1 or 0)")
        anti = parse_binary(row["anti_western"], where)
        anti = 0.0 if anti != anti else anti
        if anti and not claim:
            raise CodedFileError(f"{where}: anti_western is 1 but claim is 0")
        doubt = parse_binary(row["doubt"], where)
        stance = row["stance"].strip().lower()
        if stance not in STANCES:
            raise CodedFileError(
                f"{where}: stance {row['stance']!r} is not one of {sorted(STANCES - {''})}"
            )
        if stance == "dismissed" and claim:
            raise CodedFileError(f"{where}: a claim dismissed by the outlet is coded claim = 0")
        accused = row["accused"].strip().lower()
        if accused not in ACCUSED:
            raise CodedFileError(
                f"{where}: accused {row['accused']!r} is not one of the guide's categories"
            )
        if (claim or doubt == 1 or stance == "dismissed") and not row["reason"].strip():
            raise CodedFileError(f"{where}: a positive, doubtful or dismissed item needs a reason")
        rows.append(
            {
                **{k: row[k] for k in CODE_FIELDS},
                "item_id": row["item_id"],
                "claim": int(claim),
                "anti_western": int(anti),
                "doubt": int(doubt == 1),
                "stance": stance,
                "accused": accused,
            }
        )
    return pd.DataFrame(rows, columns=["item_id", *CODE_FIELDS])


def load_gold(design_path: str, labels_path: str) -> pd.DataFrame:
    """The design (strata, probabilities, split) joined to the final gold codes; checked."""
    design = pd.read_csv(design_path, dtype={"item_id": str})
    for column in ("item_id", "stratum", "inclusion_probability", "split"):
        if column not in design.columns:
            raise CodedFileError(f"{design_path}: missing column {column!r}")
    design["item_id"] = design["item_id"].map(from_spreadsheet)
    bad_split = ~design["split"].isin(["dev", "test"])
    if bad_split.any():
        line = int(np.flatnonzero(bad_split)[0]) + 2
        raise CodedFileError(f"{design_path}, line {line}: split must be dev or test")
    gold = read_item_codes(labels_path)
    unknown = sorted(set(gold["item_id"]) - set(design["item_id"]))
    if unknown:
        raise CodedFileError(f"{labels_path}: items not in the design {design_path}: {unknown[:5]}")
    uncoded = sorted(set(design["item_id"]) - set(gold["item_id"]))
    if uncoded:
        raise CodedFileError(
            f"{labels_path}: {len(uncoded)} sampled items have no code, e.g. {uncoded[:5]}"
        )
    return design.merge(gold, on="item_id", validate="one_to_one")


def read_active_labels(paths, target: str) -> pd.DataFrame:
    """Codes of actively chosen items (ids and codes; the coder-file format)."""

    if not paths:
        return pd.DataFrame({"item_id": pd.Series([], dtype=str), target: []})
    table = pd.concat([read_item_codes(p) for p in paths], ignore_index=True)
    return table[["item_id", target]].drop_duplicates("item_id", keep="last")


def reliability(
    first: pd.DataFrame, second: pd.DataFrame, *, n_boot: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(alpha table, disagreements) between two independent codings of the same items."""
    both = first.merge(second, on="item_id", suffixes=("_first", "_second"))
    rows, disagreements = [], []
    for field in TARGETS:
        codes = both[[f"{field}_first", f"{field}_second"]].to_numpy(float)
        alpha, low, high = krippendorff_alpha_ci(codes, n_boot, seed)
        differ = codes[:, 0] != codes[:, 1]
        rows.append(
            {
                "field": field,
                "items": len(both),
                "positives_first": int(codes[:, 0].sum()),
                "positives_second": int(codes[:, 1].sum()),
                "disagreements": int(differ.sum()),
                "percent_agreement": float(1 - differ.mean()) if len(both) else np.nan,
                "krippendorff_alpha": alpha,
                "alpha_ci_low": low,
                "alpha_ci_high": high,
            }
        )
        for _, row in both[differ].iterrows():
            disagreements.append(
                {
                    "item_id": row["item_id"],
                    "field": field,
                    "first": int(row[f"{field}_first"]),
                    "second": int(row[f"{field}_second"]),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(
        disagreements, columns=["item_id", "field", "first", "second"]
    )


def check_adjudication(
    disagreements: pd.DataFrame, adjudication: pd.DataFrame, gold: pd.DataFrame, *, path: str
):
    """Every disagreement must be adjudicated, with a reason, and the gold label must follow it."""
    decided = adjudication.set_index(["item_id", "field"])
    final = gold.set_index("item_id")
    for row in disagreements.itertuples(index=False):
        key = (row.item_id, row.field)
        if key not in decided.index:
            raise CodedFileError(
                f"{path}: disagreement on {row.item_id} ({row.field}) is not adjudicated"
            )
        entry = decided.loc[key]
        if not str(entry["reason"]).strip():
            raise CodedFileError(
                f"{path}: adjudication of {row.item_id} ({row.field}) has no reason"
            )
        if int(entry["final"]) != int(final.at[row.item_id, row.field]):
            raise CodedFileError(
                f"{path}: adjudication of {row.item_id} ({row.field}) says {int(entry['final'])} "
                f"but the gold file says {int(final.at[row.item_id, row.field])}"
            )


def build_gold(
    first: pd.DataFrame, second: pd.DataFrame, adjudication: pd.DataFrame
) -> pd.DataFrame:
    """Final codes: the first coding, with every double-coded disagreement settled by adjudication.

    ``first`` codes every sampled item, ``second`` the double-coded subset,
    ``adjudication`` has one row per (item_id, field) disagreement with the
    ``final`` code and a ``reason``. Where the adjudicated claim (or
    anti-Western) code is the second coder's, that coder's accused, accuser
    and stance are taken too.
    An optional ``stance`` column of the adjudication overrides the stance.
    A disagreement without an adjudication row is an error.
    """
    _, disagreements = reliability(first, second, n_boot=1, seed=0)
    decided = adjudication.assign(final=adjudication["final"].astype(int)).set_index(
        ["item_id", "field"]
    )
    missing = [
        (row.item_id, row.field)
        for row in disagreements.itertuples(index=False)
        if (row.item_id, row.field) not in decided.index
    ]
    if missing:
        raise CodedFileError(
            f"{len(missing)} disagreements are not adjudicated, e.g. {missing[:3]}"
        )
    gold = first.set_index("item_id").copy()
    others = second.set_index("item_id")
    gold["source"] = "first coder"
    gold.loc[gold.index.isin(others.index), "source"] = "agreed"
    for (item, field), row in decided.iterrows():
        gold.at[item, field] = row["final"]
        gold.at[item, "source"] = "adjudicated"
        if (
            field in ("claim", "anti_western")
            and row["final"]
            == others.at[item, field]
            != first.set_index("item_id").at[item, field]
        ):
            for column in ("accused", "accused_detail", "accuser", "stance", "reason"):
                gold.at[item, column] = others.at[item, column]
        if str(row.get("stance", "")).strip():
            gold.at[item, "stance"] = str(row["stance"]).strip()
    gold.loc[gold["claim"] == 0, "anti_western"] = 0
    return gold.reset_index()


def second_coding_choice(first: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """The items a second coder codes: every first-coder positive or doubt, and a random share.

    Rare positives decide the estimates, so every item the first coder coded
    as a claim (or doubted) is coded again; ``share`` of the others, drawn
    with ``seed``, measure agreement on the negatives. Returns the chosen
    ids with ``why`` (``positive or doubt``, ``random``).
    """
    flagged = (first["claim"] == 1) | (first["anti_western"] == 1) | (first["doubt"] == 1)
    others = first.loc[~flagged, "item_id"].to_numpy()
    rng = np.random.default_rng(seed)
    random = (
        rng.choice(others, size=int(round(share * len(first))), replace=False)
        if len(others)
        else []
    )
    random = list(random)[: len(others)]
    chosen = pd.concat(
        [
            pd.DataFrame({"item_id": first.loc[flagged, "item_id"], "why": "positive or doubt"}),
            pd.DataFrame({"item_id": random, "why": "random"}),
        ],
        ignore_index=True,
    )
    return chosen


@dataclass(frozen=True)
class SecondCodingSettings(Settings):
    """Rule ``second_coding``: the random share, the seed and the coder file's text length."""

    second_coding: float = key("design.second_coding")
    seed: int = key("design.seed")
    max_chars: int = key("validation.items.max_chars")


def run_second_coding(
    settings: SecondCodingSettings, inputs: dict, outputs: dict, *, wave: int
) -> dict:
    """The second coder's file of a wave, from the first coder's codes.

    Inputs: ``first`` (the first coder's file of the wave), ``documents``.
    Outputs: ``to_code`` (texts only, shuffled: the second coder does not
    see why an item was chosen), ``selection`` (ids and why, for the
    reliability report). Settings: ``second_coding``, ``seed``, ``max_chars``.
    """
    first = read_item_codes(inputs["first"])
    chosen = second_coding_choice(first, settings.second_coding, settings.seed + 100 + wave)
    documents = pd.read_parquet(inputs["documents"], columns=["doc_id", "date", "text"])
    dates = documents.set_index("doc_id")["date"].dt.strftime("%Y-%m-%d")
    sample = chosen.assign(date=chosen["item_id"].map(dates))
    write_for_coders(
        export_for_coding(
            documents, sample, settings.seed + 200 + wave, max_chars=settings.max_chars
        ),
        outputs["to_code"],
    )
    chosen.to_csv(outputs["selection"], index=False)
    return {"wave": wave, "first_coded": len(first), **chosen["why"].value_counts().to_dict()}


RECHECK_COLUMNS = [
    "item_id",
    "claim_before",
    "anti_western_before",
    "claim_recheck",
    "anti_western_recheck",
    "claim",
    "anti_western",
    "decision",
    "reason",
]


def apply_recheck(
    codes: pd.DataFrame, recheck: pd.DataFrame, recoded: pd.DataFrame
) -> pd.DataFrame:
    """Codes with a guide revision's re-check applied: changed items take the recoder's fields.

    ``recheck`` has one row per re-checked item (:data:`RECHECK_COLUMNS`):
    the codes before, the recoder's, and the final ``claim``/``anti_western``
    after adjudication. Where the final codes differ from ``codes``, the
    item takes them, with the recoder's accused, accuser, stance, doubt and
    the adjudication's reason, and ``coder`` records the re-check. ``codes``
    is the file as read (text cells), and so is the result.
    """
    out = codes.set_index("item_id").copy()
    fields = recoded.set_index("item_id")
    for row in recheck.itertuples(index=False):
        if row.item_id not in out.index:
            continue
        if (int(row.claim), int(row.anti_western)) == (
            int(out.at[row.item_id, "claim"]),
            int(out.at[row.item_id, "anti_western"]),
        ):
            continue
        for column in ("accused", "accused_detail", "accuser", "stance", "doubt"):
            out.at[row.item_id, column] = str(fields.at[row.item_id, column])
        out.at[row.item_id, "claim"] = str(int(row.claim))
        out.at[row.item_id, "anti_western"] = str(int(row.anti_western))
        out.at[row.item_id, "reason"] = str(row.reason)
        out.at[row.item_id, "coder"] = f"{out.at[row.item_id, 'coder']} -> recheck v2.1"
    return out.reset_index()
