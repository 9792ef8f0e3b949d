"""Coder files: what coders receive, what they return, and how codes become gold.

The unit is the **item** (a news item's title and lead, or a document),
coded by ``config/validation/item_coding_guide.md``. This module writes the
files coders fill in (:func:`export_for_coding`: the item's text and empty
code columns, shuffled, no machine code shown), reads them back checked
cell by cell (:func:`read_item_codes`: errors name file, line and problem),
joins the design to the final codes (:func:`load_gold`, after checking the
design row by row: :func:`check_gold_design`), checks coder files and active
rounds against the design (:func:`check_coder_files`,
:func:`read_active_labels`) and the coded items against the corpus
(:func:`gold_overlap`), measures agreement between two independent codings
(:func:`reliability`) and turns the first coding plus adjudicated
disagreements into the final codes (:func:`build_gold`,
:func:`check_adjudication`). :func:`check_gold_files` runs every check of
the configured files at once (before any job).
"""

from __future__ import annotations

import logging
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from schemes.settings import Settings, key
from schemes.stats import krippendorff_alpha_ci
from schemes.textnorm import (
    CodedFileError,
    from_spreadsheet,
    line_of,
    read_from_coders,
    write_for_coders,
)

log = logging.getLogger(__name__)

# The strata of the gold sample's design (schemes.goldsample draws them).
STRATA = ("both", "either", "rest")
DESIGN_COLUMNS = ("item_id", "stratum", "inclusion_probability", "split")
GOLD_DESIGN_COLUMNS = (
    "item_id",
    "stratum",
    "stratum_population",
    "stratum_sample",
    "inclusion_probability",
    "split",
    "double_coded",
)

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
    every row; ``anti_western`` may only be 1 when ``claim`` is 1, and must
    be coded (1 or 0) on every claim; ``stance`` and ``accused`` must come
    from the guide's lists; ``reason`` is required for every positive and
    every doubt.
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
        line = line_of(coded, np.flatnonzero(repeated)[0])
        item = coded["item_id"][repeated].iloc[0]
        first = line_of(coded, np.flatnonzero(coded["item_id"] == item)[0])
        raise CodedFileError(
            f"{path}, line {line}: item_id {item!r} repeated (first on line {first}); "
            "keep one of the rows"
        )
    rows = [
        _code_row(row, f"{path}, line {line_of(coded, position)}")
        for position, row in enumerate(coded.to_dict("records"))
    ]
    codes = pd.DataFrame(rows, columns=["item_id", *CODE_FIELDS])
    codes.attrs = dict(coded.attrs)
    return codes


def _code_row(row: dict, where: str) -> dict:
    """One coded row, checked (see :func:`read_item_codes`); errors name ``where``."""
    claim = parse_binary(row["claim"], where)
    if claim != claim:
        raise CodedFileError(f"{where}: claim is empty (code every item 1 or 0)")
    anti = parse_binary(row["anti_western"], where)
    if anti != anti and claim:
        raise CodedFileError(
            f"{where}: anti_western is empty on a claim (claim = 1): code it 1 or 0"
        )
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
    return {
        **{k: row[k] for k in CODE_FIELDS},
        "item_id": row["item_id"],
        "claim": int(claim),
        "anti_western": int(anti),
        "doubt": int(doubt == 1),
        "stance": stance,
        "accused": accused,
    }


def _design_number(row: dict, column: str, where: str, *, whole: bool = False) -> float:
    """A number cell of a design row; empty, text, NaN or (``whole``) a fraction name ``where``."""
    raw = row[column].strip()
    if not raw:
        raise CodedFileError(f"{where}: {column} is empty")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (whole and not value.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise CodedFileError(f"{where}: {column} {raw!r} is not {kind}")
    return value


def _check_design_row(row: dict, where: str) -> None:
    """One row of a gold design against its own columns (see :func:`check_gold_design`)."""
    if not row["item_id"].strip():
        raise CodedFileError(f"{where}: item_id is empty")
    if row["stratum"] not in STRATA:
        raise CodedFileError(
            f"{where}: stratum {row['stratum']!r} is not one of {', '.join(STRATA)}"
        )
    if row["split"] not in ("dev", "test"):
        raise CodedFileError(f"{where}: split must be dev or test, not {row['split']!r}")
    probability = _design_number(row, "inclusion_probability", where)
    if not 0 < probability <= 1:
        raise CodedFileError(
            f"{where}: inclusion_probability {row['inclusion_probability']!r} must be in (0, 1]"
        )
    if "stratum_population" in row and "stratum_sample" in row:
        population = _design_number(row, "stratum_population", where, whole=True)
        sample = _design_number(row, "stratum_sample", where, whole=True)
        if not 0 < sample <= population:
            raise CodedFileError(
                f"{where}: stratum_sample {row['stratum_sample']!r} must be between 1 and "
                f"stratum_population {row['stratum_population']!r}"
            )
        if not math.isclose(probability, sample / population, rel_tol=1e-6):
            raise CodedFileError(
                f"{where}: inclusion_probability {row['inclusion_probability']!r} is not "
                f"stratum_sample / stratum_population = {sample:.0f}/{population:.0f} = "
                f"{sample / population:.6g}; correct the cell or the stratum's counts"
            )
    if "double_coded" in row and row["double_coded"].strip() not in ("0", "1"):
        raise CodedFileError(f"{where}: double_coded {row['double_coded']!r} must be 0 or 1")


def _check_design_strata(design: pd.DataFrame, path) -> None:
    """Each stratum's population and sample size are one number, and its rows are that many."""
    if not {"stratum_population", "stratum_sample"} <= set(design.columns):
        return
    for stratum, rows in design.groupby("stratum", sort=False):
        for column in ("stratum_population", "stratum_sample"):
            values = rows[column].astype(float)
            differ = (values != values.iloc[0]).to_numpy()
            if differ.any():
                line = int(rows.index[differ][0]) + 2
                raise CodedFileError(
                    f"{path}, line {line}: {column} {rows[column][differ].iloc[0]!r} differs "
                    f"from line {int(rows.index[0]) + 2} ({rows[column].iloc[0]!r}) of the "
                    f"same stratum {stratum!r}"
                )
        sample = int(float(rows["stratum_sample"].iloc[0]))
        if len(rows) != sample:
            raise CodedFileError(
                f"{path}: stratum {stratum!r} has {len(rows)} rows but stratum_sample {sample} "
                "(a row deleted or added by hand?)"
            )


def check_gold_design(path) -> None:
    """A gold sample's design (``sample.csv`` of gold_sample), checked row by row.

    Every row needs an item_id (once), a known stratum, a split (dev or
    test) and an inclusion probability in (0, 1]; with the stratum's
    population and sample size given, the probability must equal
    sample / population, both must be the same on every row of the stratum
    and the stratum must have that many rows; ``double_coded`` is 0 or 1.
    Errors name the file, the line and the cell.
    """
    design = read_from_coders(path)
    missing = [c for c in DESIGN_COLUMNS if c not in design.columns]
    if missing:
        raise CodedFileError(
            f"{path}: missing column(s) {', '.join(missing)} (a design as gold_sample writes "
            f"it has {', '.join(GOLD_DESIGN_COLUMNS)})"
        )
    if design.empty:
        raise CodedFileError(f"{path}: no items (a header line only)")
    first_line: dict[str, int] = {}
    for line, row in enumerate(design.to_dict("records"), start=2):
        _check_design_row(row, f"{path}, line {line}")
        if row["item_id"] in first_line:
            raise CodedFileError(
                f"{path}, line {line}: item_id {row['item_id']!r} repeated (first on line "
                f"{first_line[row['item_id']]}); delete one of the rows"
            )
        first_line[row["item_id"]] = line
    _check_design_strata(design, path)


def load_gold(design_path: str, labels_path: str) -> pd.DataFrame:
    """The design (strata, probabilities, split) joined to the final gold codes; checked."""
    check_gold_design(design_path)
    design = pd.read_csv(design_path, dtype={"item_id": str})
    design["item_id"] = design["item_id"].map(from_spreadsheet)
    gold = read_item_codes(labels_path)
    known = set(design["item_id"])
    refuse_items_outside(gold, known, path=labels_path, design=design_path, what="codes")
    uncoded = sorted(known - set(gold["item_id"]))
    if uncoded:
        raise CodedFileError(
            f"{labels_path}: {len(uncoded)} sampled items have no code, e.g. {uncoded[:5]}"
        )
    return design.merge(gold, on="item_id", validate="one_to_one")


def refuse_unknown_items(codes: pd.DataFrame, known, *, path, why: str, error=CodedFileError):
    """An error naming the file's first line (the header is line 1) whose item_id is unknown.

    ``why`` ends the message; ``{count}`` in it is the number of unknown items.
    """
    outside = ~codes["item_id"].isin(set(known))
    if outside.any():
        line = line_of(codes, np.flatnonzero(outside)[0])
        item = codes["item_id"][outside].iloc[0]
        why = why.replace("{count}", str(int(outside.sum())))
        raise error(f"{path}, line {line}: item_id {item!r} {why}")


def refuse_items_outside(codes: pd.DataFrame, known: set, *, path, design, what: str) -> None:
    """An error naming the file's first line whose item the design does not have."""
    refuse_unknown_items(
        codes,
        known,
        path=path,
        why=f"is not in the design {design} ({{count}} such items; {what} of another sample?)",
    )


def check_adjudication_file(path, coders: list[pd.DataFrame], final) -> None:
    """An adjudication file (if any) read and checked: against the two coders'
    disagreements and the final codes when both exist, on its own otherwise."""
    if not path:
        return
    adjudication = read_from_coders(path)
    if len(coders) >= 2 and final is not None:
        _, disagreements = reliability(coders[0], coders[1], n_boot=1, seed=0)
        check_adjudication(disagreements, adjudication, final, path=path)
    else:
        checked_adjudication(adjudication, path)


def check_coder_files(paths, design_ids: set, *, design) -> list[pd.DataFrame]:
    """The coders' files, each read and checked against the design's item ids.

    An item the design ``design`` does not have is an error naming file and
    line (a file of another sample), and so is a second coder who shares no
    item with the first: the reliability would be measured on no item.
    """
    coded = []
    for path in paths:
        codes = read_item_codes(path)
        refuse_items_outside(codes, design_ids, path=path, design=design, what="a coder file")
        coded.append(codes)
    if len(coded) >= 2 and not set(coded[0]["item_id"]) & set(coded[1]["item_id"]):
        raise CodedFileError(
            f"{paths[1]}: no item coded by both it and {paths[0]}: the reliability needs the "
            "double-coded items of the same sample"
        )
    return coded


def read_active_rounds(paths) -> pd.DataFrame:
    """Every active round's codes with their ``file`` and ``line``.

    An item coded in two rounds (or twice in one) is an error naming both
    places: the later code would silently override the earlier one.
    """
    frames, seen = [], {}
    for path in paths:
        codes = read_item_codes(path)
        lines = [line_of(codes, position) for position in range(len(codes))]
        for line, item in zip(lines, codes["item_id"], strict=True):
            if item in seen:
                raise CodedFileError(
                    f"{path}, line {line}: item_id {item!r} is coded in an earlier round too "
                    f"({seen[item]}); an item is coded in one round only: delete one of the rows"
                )
            seen[item] = f"{path}, line {line}"
        frames.append(codes.assign(file=str(path), line=lines))
    return pd.concat(frames, ignore_index=True)


def read_active_labels(paths, target: str, *, sample: set | None = None) -> pd.DataFrame:
    """Codes of actively chosen items (ids and codes; the coder-file format).

    An item coded in two rounds is an error (:func:`read_active_rounds`), and
    so is, given the gold sample's ids ``sample``, an item of the sample:
    active rounds must exclude it. Errors name the file and the line.
    """
    if not paths:
        return pd.DataFrame({"item_id": pd.Series([], dtype=str), target: []})
    table = read_active_rounds(paths)
    inside = table["item_id"].isin(sample or set())
    if inside.any():
        row = table[inside].iloc[0]
        raise CodedFileError(
            f"{row['file']}, line {row['line']}: item_id {row['item_id']!r} is in the gold "
            f"sample's design too ({int(inside.sum())} such items); active rounds must exclude "
            "the sample: delete the row"
        )
    return table[["item_id", target]]


def check_active_in_corpus(paths, corpus_ids: set) -> list[str]:
    """The actively coded items that are not items of this corpus, left out with a warning.

    A corpus may share its ids with the one the rounds were drawn from
    (1tv-headlines reuses the leads' rounds): their items that are not in
    it are left out, and a warning (log and console) names them and where
    the first one is. A round none of whose items is in the corpus is an
    error: a round of another corpus, or the wrong file.
    """
    if not paths:
        return []
    table = read_active_rounds(paths)
    inside = table["item_id"].isin(corpus_ids)
    for path, rows in table.groupby("file", sort=False):
        if not inside[rows.index].any():
            raise CodedFileError(
                f"{path}: none of its {len(rows)} items is an item of this corpus (e.g. "
                f"{rows['item_id'].tolist()[:3]}): a round of another corpus?"
            )
    outside = table[~inside]
    if len(outside):
        first = outside.iloc[0]
        message = (
            f"warning: {len(outside)} of the active rounds' {len(table)} items are not items of "
            f"this corpus and are left out: {outside['item_id'].tolist()[:10]} (the first: "
            f"{first['file']}, line {first['line']})"
        )
        log.warning("%s", message)
        print(message, file=sys.stderr)
    return outside["item_id"].tolist()


def gold_overlap(gold: pd.DataFrame, corpus_ids: set, *, design) -> int:
    """How many coded items are items of this corpus; none is an error, with the counts."""
    inside = int(gold["item_id"].isin(corpus_ids).sum())
    if not inside:
        raise CodedFileError(
            f"{design}: 0 of its {len(gold)} coded items are items of this corpus "
            f"({len(corpus_ids)} items, e.g. {sorted(corpus_ids)[:3]}; the design has e.g. "
            f"{gold['item_id'].tolist()[:3]}): is the gold standard for another corpus?"
        )
    return inside


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


ADJUDICATION_COLUMNS = ("item_id", "field", "final", "reason")


def checked_adjudication(adjudication: pd.DataFrame, path) -> pd.DataFrame:
    """The adjudication's rows checked: its columns, a known field, a final code, one row each.

    ``final`` is read like a coder file's code (1/0, yes/no, да/нет) and
    returned as an integer. Errors name ``path``, the line and the fix.
    """
    missing = [c for c in ADJUDICATION_COLUMNS if c not in adjudication.columns]
    if missing:
        raise CodedFileError(
            f"{path}: missing column(s) {', '.join(missing)} (one row per disagreement: "
            f"{', '.join(ADJUDICATION_COLUMNS)})"
        )
    rows = adjudication.reset_index(drop=True)
    finals, seen = [], {}
    for position, row in enumerate(rows.to_dict("records")):
        line = line_of(adjudication, position)
        where = f"{path}, line {line}"
        if row["field"] not in TARGETS:
            raise CodedFileError(
                f"{where}: field {row['field']!r} is not one of {', '.join(TARGETS)}"
            )
        try:
            final = parse_binary(row["final"], where)
        except CodedFileError:
            final = None
        if final is None or final != final:
            raise CodedFileError(
                f"{where}: final {row['final']!r} is not a code: write 1 or 0 (yes/no)"
            )
        key = (row["item_id"], row["field"])
        if key in seen:
            raise CodedFileError(
                f"{where}: a second row for item {row['item_id']!r} ({row['field']}); the "
                f"first is on line {seen[key]}: keep one"
            )
        seen[key] = line
        finals.append(int(final))
    checked = rows.assign(final=np.array(finals, dtype=int))
    checked.attrs = dict(adjudication.attrs)
    return checked


def check_adjudication(
    disagreements: pd.DataFrame, adjudication: pd.DataFrame, gold: pd.DataFrame, *, path: str
):
    """Every disagreement must be adjudicated, with a reason, and the gold label must follow it."""
    decided = checked_adjudication(adjudication, path).set_index(["item_id", "field"])
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
    first: pd.DataFrame,
    second: pd.DataFrame,
    adjudication: pd.DataFrame,
    *,
    path: str = "the adjudication",
) -> pd.DataFrame:
    """Final codes: the first coding, with every double-coded disagreement settled by adjudication.

    ``first`` codes every sampled item, ``second`` the double-coded subset,
    ``adjudication`` (read from ``path``) has one row per (item_id, field)
    disagreement with the ``final`` code and a ``reason``. Where the
    adjudicated claim (or anti-Western) code is the second coder's, that
    coder's accused, accuser and stance are taken too. An optional
    ``stance`` column of the adjudication overrides the stance. A
    disagreement without an adjudication row, or a row for an item not
    coded by both coders, is an error.
    """
    _, disagreements = reliability(first, second, n_boot=1, seed=0)
    adjudication = checked_adjudication(adjudication, path)
    both = set(first["item_id"]) & set(second["item_id"])
    for position, item in enumerate(adjudication["item_id"]):
        line = line_of(adjudication, position)
        if item not in both:
            raise CodedFileError(
                f"{path}, line {line}: item {item!r} is not coded by both coders (only their "
                "disagreements are adjudicated)"
            )
    decided = adjudication.set_index(["item_id", "field"])
    missing = [
        (row.item_id, row.field)
        for row in disagreements.itertuples(index=False)
        if (row.item_id, row.field) not in decided.index
    ]
    if missing:
        raise CodedFileError(
            f"{path}: {len(missing)} disagreements are not adjudicated, e.g. {missing[:3]}"
        )
    return _settled(first, second, decided)


def _settled(first: pd.DataFrame, second: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """The first coding with the adjudicated codes (see :func:`build_gold`)."""
    gold = first.set_index("item_id").copy()
    others = second.set_index("item_id")
    gold["source"] = "first coder"
    gold.loc[gold.index.isin(others.index), "source"] = "agreed"
    for (item, field), row in decided.iterrows():
        gold.at[item, field] = row["final"]
        gold.at[item, "source"] = "adjudicated"
        if (
            field in ("claim", "anti_western")
            and row["final"] == others.at[item, field] != first.set_index("item_id").at[item, field]
        ):
            for column in ("accused", "accused_detail", "accuser", "stance", "reason"):
                gold.at[item, column] = others.at[item, column]
        if str(row.get("stance", "")).strip():
            gold.at[item, "stance"] = str(row["stance"]).strip()
    gold.loc[gold["claim"] == 0, "anti_western"] = 0
    return gold.reset_index()


def check_gold_files(gold: dict) -> None:
    """Every file of ``validation.items.gold`` read and cross-checked (before any job runs).

    The design row by row, the final codes against it, the coders' files
    against it and each other, the adjudication against the coders and the
    codes, and the active rounds (no item twice, none of the sample).
    """
    design = gold["design"]
    if not design:
        return
    check_gold_design(design)
    design_ids = set(read_from_coders(design)["item_id"])
    final = load_gold(design, gold["labels"]) if gold["labels"] else None
    coders = check_coder_files(gold["coders"], design_ids, design=design)
    check_adjudication_file(gold["adjudication"], coders, final)
    read_active_labels(gold["active"], "claim", sample=design_ids)


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
