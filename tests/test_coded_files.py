"""Hand-made and hand-edited coded files (issue 18): the gold design row by row, codes,
coder files against the design, active rounds, adjudication, and one-line messages."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from schemes.classifier import ItemClassifierSettings, run_item_classifier
from schemes.coding import (
    CodedFileError,
    build_gold,
    check_active_in_corpus,
    check_adjudication,
    check_coder_files,
    load_gold,
    read_active_labels,
    read_item_codes,
    reliability,
)
from schemes.goldsample import draw_item_sample
from schemes.textnorm import read_from_coders, write_for_coders

CODES = ["item_id", "claim", "anti_western", "accused", "stance", "doubt", "reason"]


def sample_design(tmp_path, n=60, name="design.csv"):
    """A design as gold_sample writes it: 60 items of 200 documents, three strata."""
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i:03d}" for i in range(200)],
            "date": pd.date_range("2004-01-01", periods=200, freq="D"),
        }
    )
    strata = np.array(["both"] * 40 + ["either"] * 60 + ["rest"] * 100)
    sizes = {"both": n // 3, "either": n // 3, "rest": n - 2 * (n // 3)}
    design = draw_item_sample(
        documents, strata, sizes, test_fraction=0.5, double_coded={"both": 10}, seed=1
    )
    write_for_coders(design, tmp_path / name)
    return tmp_path / name, design


def write_codes(path, ids, *, claims=None):
    """A coder file coding ``ids`` (claims at the positions in ``claims``)."""
    claims = set(claims or ())
    rows = [
        [i, "1", "1", "usa", "asserted", "0", "why"]
        if k in claims
        else [i, "0", "0", "", "", "0", ""]
        for k, i in enumerate(ids)
    ]
    pd.DataFrame(rows, columns=CODES).to_csv(path, index=False)
    return path


def edit_cell(path, line, column, value):
    """The design file with one cell changed (``line`` as an editor numbers it)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[line - 2, column] = value
    table.to_csv(path, index=False)


# --- case 4: the gold design is checked row by row against its own columns ----------


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("inclusion_probability", "0.9", ["line 5", "stratum_sample / stratum_population"]),
        ("inclusion_probability", "1.5", ["line 5", "(0, 1]"]),
        ("inclusion_probability", "0", ["line 5", "(0, 1]"]),
        ("inclusion_probability", "", ["line 5", "inclusion_probability is empty"]),
        ("inclusion_probability", "half", ["line 5", "'half' is not a number"]),
        ("stratum", "middle", ["line 5", "stratum 'middle'", "both, either, rest"]),
        ("stratum_population", "x", ["line 5", "stratum_population 'x'"]),
        ("split", "", ["line 5", "split must be dev or test"]),
        ("item_id", "", ["line 5", "item_id is empty"]),
        ("double_coded", "2", ["line 5", "double_coded '2'"]),
    ],
)
def test_a_hand_edited_design_is_refused_naming_file_line_and_cell(tmp_path, column, value, words):
    path, design = sample_design(tmp_path)
    write_codes(tmp_path / "labels.csv", design["item_id"])
    assert len(load_gold(path, tmp_path / "labels.csv")) == len(design)
    edit_cell(path, 5, column, value)
    with pytest.raises(CodedFileError) as caught:
        load_gold(path, tmp_path / "labels.csv")
    message = str(caught.value)
    assert message.startswith(f"{path}, ") and len(message.splitlines()) == 1
    for word in words:
        assert word in message


def test_a_repeated_design_row_and_a_stratum_count_that_does_not_add_up(tmp_path):
    path, design = sample_design(tmp_path)
    write_codes(tmp_path / "labels.csv", design["item_id"])
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.concat([table, table.iloc[[3]]]).to_csv(path, index=False)
    with pytest.raises(
        CodedFileError, match=r"line 62: item_id 'd\d+' repeated \(first on line 5\)"
    ):
        load_gold(path, tmp_path / "labels.csv")
    table.iloc[1:].to_csv(path, index=False)  # a row deleted by hand
    with pytest.raises(CodedFileError, match="stratum 'both' has 19 rows but stratum_sample 20"):
        load_gold(path, tmp_path / "labels.csv")


# --- case 5: a blank anti_western on a claim is an error -----------------------------


def test_a_blank_anti_western_on_a_claim_is_an_error(tmp_path):
    path = tmp_path / "codes.csv"
    rows = [["a", "1", "", "usa", "asserted", "0", "covert plot"], ["b", "0", "", "", "", "0", ""]]
    pd.DataFrame(rows, columns=CODES).to_csv(path, index=False)
    with pytest.raises(CodedFileError, match=r"codes\.csv, line 2: anti_western is empty"):
        read_item_codes(path)
    pd.DataFrame(rows[1:], columns=CODES).to_csv(path, index=False)
    assert read_item_codes(path)["anti_western"].tolist() == [0]  # blank on a non-claim is 0


# --- case 6: coder files must match the design ---------------------------------------


def test_a_coder_file_of_another_design_is_refused(tmp_path):
    path, design = sample_design(tmp_path)
    ids = design["item_id"].tolist()
    first = write_codes(tmp_path / "a.csv", ids)
    second = write_codes(tmp_path / "b.csv", ids[:10])
    a, b = check_coder_files([first, second], set(ids), design=path)
    assert len(a) == 60 and len(b) == 10
    other = write_codes(tmp_path / "other.csv", [f"x{i}" for i in range(10)])
    with pytest.raises(
        CodedFileError, match=r"other\.csv, line 2: item_id 'x0' is not in the design"
    ):
        check_coder_files([first, other], set(ids), design=path)
    # the two coders must share items: a reliability table over no item is refused
    write_codes(tmp_path / "a.csv", ids[10:])
    with pytest.raises(CodedFileError, match="no item coded by both"):
        check_coder_files([first, second], set(ids), design=path)


# --- case 7: active rounds never lose or override codes silently ----------------------


def test_an_item_coded_in_two_active_rounds_is_an_error_naming_both_files(tmp_path):
    one = write_codes(tmp_path / "round1.csv", ["a", "b", "c"])
    two = write_codes(tmp_path / "round2.csv", ["d", "b"], claims=[1])
    with pytest.raises(CodedFileError) as caught:
        read_active_labels([one, two], "claim")
    message = str(caught.value)
    assert f"{two}, line 3: item_id 'b'" in message and f"{one}, line 3" in message
    write_codes(two, ["d", "e"])
    assert read_active_labels([one, two], "claim")["item_id"].tolist() == list("abcde")


def test_active_items_in_the_gold_sample_are_refused_naming_the_file(tmp_path):
    one = write_codes(tmp_path / "round1.csv", ["a", "d004"])
    with pytest.raises(CodedFileError, match=rf"{one}, line 3: item_id 'd004' is in the gold"):
        read_active_labels([one], "claim", sample={"d004", "d005"})


def classifier_inputs(tmp_path, corpus_ids, *, active_ids=()):
    """Gold files for 40 dev items and a measures table of ``corpus_ids``."""
    ids = [f"g{i:02d}" for i in range(40)]
    pd.DataFrame(
        {
            "item_id": ids,
            "stratum": "both",
            "inclusion_probability": 0.5,
            "split": ["dev", "test"] * 20,
        }
    ).to_csv(tmp_path / "design.csv", index=False)
    write_codes(tmp_path / "labels.csv", ids, claims=range(0, 40, 4))
    pd.DataFrame({"doc_id": corpus_ids, "lss_score": 0.0}).to_parquet(tmp_path / "m.parquet")
    write_codes(tmp_path / "active.csv", list(active_ids))
    return {
        # sentences that do not exist: the coded files are checked before anything is read
        "sentences": [tmp_path / "no_such_shard.parquet"],
        "measures": tmp_path / "m.parquet",
        "design": tmp_path / "design.csv",
        "labels": tmp_path / "labels.csv",
        "active": [tmp_path / "active.csv"] if active_ids else [],
    }


SETTINGS = ItemClassifierSettings(
    target="anti_western",
    c=1.0,
    folds=5,
    embeddings=False,
    measures=["lss_score"],
    seed=0,
    bootstrap=0,
)


def test_an_active_round_of_another_corpus_is_an_error_before_any_work(tmp_path):
    corpus = [f"g{i:02d}" for i in range(40)] + ["n1", "n2"]
    inputs = classifier_inputs(tmp_path, corpus, active_ids=["x8", "x9"])
    with pytest.raises(CodedFileError, match=r"active\.csv: none of its 2 items is an item of"):
        run_item_classifier(SETTINGS, inputs, {})


def test_active_items_not_in_the_corpus_are_named_in_a_warning(tmp_path, capsys, caplog):
    # a corpus sharing ids with the one the round was drawn from (headlines and leads)
    path = write_codes(tmp_path / "round1.csv", ["n1", "n9", "n2", "n7"])
    assert check_active_in_corpus([path], {"n1", "n2", "g00"}) == ["n9", "n7"]
    message = "2 of the active rounds' 4 items are not items of this corpus and are left out: "
    for text in (capsys.readouterr().err, caplog.text):
        assert message + "['n9', 'n7']" in text and f"{path}, line 3" in text


# --- case 10: gold of another corpus: counts, first thing ----------------------------


def test_gold_of_another_corpus_is_refused_first_thing_with_counts(tmp_path):
    inputs = classifier_inputs(tmp_path, [f"x{i}" for i in range(100)])
    with pytest.raises(CodedFileError) as caught:
        run_item_classifier(SETTINGS, inputs, {})
    message = str(caught.value)
    assert "0 of its 40 coded items" in message and "100 items" in message
    assert "another corpus" in message


def test_a_dev_part_too_small_in_this_corpus_names_the_counts(tmp_path):
    # only the dev part's claims are items of this corpus: no negative to learn from
    corpus = [f"g{i:02d}" for i in range(0, 40, 4)] + [f"x{i}" for i in range(20)]
    inputs = classifier_inputs(tmp_path, corpus)
    with pytest.raises(CodedFileError) as caught:
        run_item_classifier(SETTINGS, inputs, {})
    message = str(caught.value)
    assert "10 of its 40 coded items" in message and "dev part" in message
    assert "positive" in message


# --- case 11: one line naming file, line and fix -------------------------------------


def test_a_cp1251_coder_file_says_how_to_save_it(tmp_path):
    path = tmp_path / "codes.csv"
    text = "item_id,claim,anti_western,reason\na,0,0,\nb,1,1,Запад стоит за переворотом\n"
    path.write_bytes(text.encode("cp1251"))
    with pytest.raises(CodedFileError) as caught:
        read_item_codes(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3: not UTF-8") and "UTF-8" in message
    assert len(message.splitlines()) == 1


def test_a_semicolon_separated_file_gets_a_hint(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("item_id;claim;anti_western\na;0;0\n", encoding="utf-8")
    with pytest.raises(CodedFileError, match=r"codes\.csv, line 1: .*separated by ';'"):
        read_item_codes(path)


def test_a_duplicated_header_in_a_coded_file_is_refused(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("item_id,claim,anti_western,claim\na,0,0,1\n", encoding="utf-8")
    with pytest.raises(CodedFileError, match=r"codes\.csv, line 1: column 'claim' appears twice"):
        read_from_coders(path)


def test_a_ragged_coded_file_names_the_line(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("item_id,claim,anti_western\na,0,0\nb,1,1,extra\n", encoding="utf-8")
    with pytest.raises(CodedFileError, match=r"codes\.csv, line 3: 4 cells, the header has 3"):
        read_from_coders(path)


def adjudication_case():
    first = pd.DataFrame(
        {"item_id": list("abcd"), "claim": [1, 1, 0, 0], "anti_western": [1, 0, 0, 0]}
    )
    second = first.copy()
    second.loc[1, "claim"] = 0
    _, disagreements = reliability(first, second, n_boot=1, seed=0)
    return first, disagreements


def test_adjudication_yes_no_is_read_like_the_coder_files_and_anything_else_is_one_line():
    gold, disagreements = adjudication_case()
    decided = pd.DataFrame(
        {"item_id": ["b"], "field": ["claim"], "final": ["yes"], "reason": ["r"]}
    )
    check_adjudication(disagreements, decided, gold, path="adj.csv")
    with pytest.raises(CodedFileError, match=r"adj\.csv, line 2: final 'maybe'.*1 or 0"):
        check_adjudication(disagreements, decided.assign(final="maybe"), gold, path="adj.csv")


def test_a_repeated_adjudication_row_is_refused_naming_both_lines():
    gold, disagreements = adjudication_case()
    decided = pd.DataFrame(
        {
            "item_id": ["b", "b"],
            "field": ["claim", "claim"],
            "final": ["1", "0"],
            "reason": ["r", "s"],
        }
    )
    with pytest.raises(CodedFileError, match=r"adj\.csv, line 3: .*'b'.*claim.*line 2"):
        check_adjudication(disagreements, decided, gold, path="adj.csv")


def build_gold_tool(tmp_path, adjudication_text):
    first = write_codes(tmp_path / "a.csv", ["a", "b", "c"], claims=[0])
    second = write_codes(tmp_path / "b.csv", ["a", "b"], claims=[0, 1])
    (tmp_path / "adj.csv").write_text(adjudication_text, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "tools" / "build_gold.py"),
            "gold",
            "--first",
            str(first),
            "--second",
            str(second),
            "--adjudication",
            str(tmp_path / "adj.csv"),
            "--out",
            str(tmp_path / "gold.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "text, words",
    [
        ("item_id,field,decision,reason\nb,claim,1,r\n", ["adj.csv", "missing column", "final"]),
        ("item_id,field,final,reason\nc,claim,1,r\n", ["adj.csv, line 2", "'c'", "both coders"]),
        ("item_id,field,final,reason\nb,claims,1,r\n", ["adj.csv, line 2", "field 'claims'"]),
    ],
)
def test_build_gold_tool_errors_are_one_line(tmp_path, text, words):
    proc = build_gold_tool(tmp_path, text)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for word in words:
        assert word in proc.stderr


def test_build_gold_reads_final_yes(tmp_path):
    gold = build_gold(
        read_item_codes(write_codes(tmp_path / "a.csv", ["a", "b"], claims=[0])),
        read_item_codes(write_codes(tmp_path / "b.csv", ["a", "b"], claims=[0, 1])),
        pd.DataFrame(
            {
                "item_id": ["b", "b"],
                "field": ["claim", "anti_western"],
                "final": ["yes", "да"],
                "reason": ["r", "r"],
            }
        ),
    )
    assert gold.set_index("item_id").loc["b", ["claim", "anti_western"]].tolist() == [1, 1]
