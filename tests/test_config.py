import copy
import importlib.util
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml
from conftest import ROOT, link_workflow, run_snakemake

SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())


def merged(*files):
    config = {}
    for path in files:
        for key, value in yaml.safe_load(path.read_text()).items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
            else:
                config[key] = value
    return config


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "config" / "corpora").glob("*.yaml"))
)
def test_shipped_configs_validate(name):
    base = ROOT / "config" / "config.yaml"
    jsonschema.validate(merged(base), SCHEMA)
    jsonschema.validate(merged(base, ROOT / "config" / "corpora" / name), SCHEMA)


def test_every_config_key_is_documented():
    readme = (ROOT / "config" / "README.md").read_text()

    def keys(schema, prefix=""):
        for key, sub in schema.get("properties", {}).items():
            yield prefix + key
            yield from keys(sub, prefix + key + ".")

    missing = [k for k in keys(SCHEMA) if f"`{k}`" not in readme]
    assert not missing, f"config/README.md does not document {missing}"


def _config_docs():
    """scripts/tools/config_docs.py, the generator of config/README.md's key tables."""
    path = ROOT / "scripts" / "tools" / "config_docs.py"
    spec = importlib.util.spec_from_file_location("config_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_key_tables_are_the_schemas_descriptions_and_defaults():
    docs = _config_docs()
    readme = (ROOT / "config" / "README.md").read_text(encoding="utf-8")
    assert docs.rewrite(readme, SCHEMA) == readme, (
        "config/README.md's key tables differ from the schema: "
        "run python scripts/tools/config_docs.py"
    )
    # read back, independently of the tool: one row per key, in schema order,
    # showing the schema's default (as YAML) and its description
    block = readme.split(docs.BEGIN, 1)[1].split(docs.END, 1)[0]
    shown = [
        re.fullmatch(r"\| `([^`]+)` \| (`[^`]*`|required|—) \| (.+) \|", line).groups()
        for line in block.splitlines()
        if line.startswith("| `")
    ]

    def keys(schema, prefix=""):
        for key, sub in schema.get("properties", {}).items():
            yield prefix + key, sub, key in schema.get("required", ())
            yield from keys(sub, prefix + key + ".")
            yield from keys(sub.get("items", {}), prefix + key + "[].")

    expected = list(keys(SCHEMA))
    assert [key for key, _, _ in shown] == [key for key, _, _ in expected]
    for (key, default, meaning), (_, sub, required) in zip(shown, expected, strict=True):
        assert meaning == " ".join(sub["description"].split()).replace("|", "\\|"), key
        if "default" in sub:
            assert yaml.safe_load(default.strip("`")) == sub["default"], key
        else:
            assert default == ("required" if required else "—"), key


def test_config_docs_check_fails_on_a_stale_table(tmp_path):
    schema = tmp_path / "schema.yaml"
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "config" / "README.md").read_text(encoding="utf-8"))
    tool = [sys.executable, str(ROOT / "scripts" / "tools" / "config_docs.py")]
    paths = ["--schema", str(schema), "--readme", str(readme)]

    def run(*args):
        return subprocess.run([*tool, *args, *paths], capture_output=True, text=True)

    changed = copy.deepcopy(SCHEMA)
    changed["properties"]["events"]["properties"]["bootstrap"]["default"] = 999
    schema.write_text(yaml.safe_dump(changed, allow_unicode=True))
    assert run("--check").returncode == 1
    assert run().returncode == 0
    assert "| `events.bootstrap` | `999` |" in readme.read_text()
    assert run("--check").returncode == 0
    # a key without a description is refused, naming it
    del changed["properties"]["events"]["properties"]["seed"]["description"]
    schema.write_text(yaml.safe_dump(changed, allow_unicode=True))
    proc = run("--check")
    assert proc.returncode == 2 and "'events.seed' has no description" in proc.stderr


@pytest.mark.parametrize(
    "override, words",
    [
        ("corpus={format: xml}", ["corpus", "format", "xml"]),
        ("events={days_after: -3}", ["days_after", "minimum"]),
        ("language=de", ["language", "de"]),
    ],
)
def test_wrong_config_fails_before_any_job_naming_the_key(override, words):
    proc = run_snakemake("-n", "--config", override, check=False, timeout=120)
    assert proc.returncode != 0
    message = proc.stdout + proc.stderr
    assert "config/README.md" in message and "logs/config_error.log" in message
    assert len(message.splitlines()) < 15  # a few lines, not the schema dump
    for word in words:
        assert word in message


def test_numbers_given_on_the_command_line_are_coerced():
    from schemes.configtools import coerce_to_schema

    got = coerce_to_schema(
        {"topics": {"k": "20"}, "events": {"sensitivity": {"windows": [["1", "2"]]}}, "x": "y"},
        SCHEMA,
    )
    assert got == {"topics": {"k": 20}, "events": {"sensitivity": {"windows": [[1, 2]]}}, "x": "y"}
    proc = run_snakemake("-n", "--config", "topics={k: 12}", check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize(
    "override, words",
    [
        ("events={contrasts: [[color_revolution, nato_sumit]]}", ["nato_sumit", "nato_summit"]),
        ("events={correction: acc}", ["correction", "gold"]),
        ("events={doc_measure: rule, correction: calibration}", ["calibration", "classifier"]),
    ],
)
def test_inconsistent_event_settings_fail_before_any_job(override, words):
    proc = run_snakemake("-n", "--config", override, check=False, timeout=120)
    assert proc.returncode != 0
    message = proc.stdout + proc.stderr
    for word in words:
        assert word in message


def test_bad_event_catalogue_fails_before_any_job_naming_file_and_line(tmp_path):
    path = tmp_path / "events.tsv"
    path.write_text(
        "event_id\tlabel\ttype\tstart\tend\tcountry\tnote\n"
        "a\tA\tnato_summit\t2004-01-01\t2004-01-02\tX\tn\n"
        "b\tB\tnato_summit\t22.11.2004\t2004-12-01\tX\tn\n"
    )
    proc = run_snakemake("-n", "--config", f"events={{catalogue: '{path}'}}", check=False)
    assert proc.returncode != 0
    assert f"{path}, line 3: start '22.11.2004'" in proc.stdout + proc.stderr


def test_corpus_name_cannot_leave_results_and_path_cannot_be_inherited(tmp_path):
    proc = run_snakemake("-n", "--config", "corpus={name: '..'}", check=False, timeout=120)
    assert proc.returncode != 0 and "name" in proc.stdout + proc.stderr
    config = tmp_path / "mine.yaml"
    config.write_text("corpus:\n  name: mine\n  format: csv\n")
    proc = run_snakemake("-n", "--configfile", str(config), check=False, timeout=120)
    assert proc.returncode != 0
    assert "corpus.path is not set for corpus 'mine'" in proc.stdout + proc.stderr


def test_unknown_key_gives_a_short_message_and_a_full_log(tmp_path):
    from schemes.configtools import ConfigError, check_config

    log = tmp_path / "config_error.log"
    with pytest.raises(ConfigError) as caught:
        check_config({"corpus": {"name": "x", "bogus": 1}}, SCHEMA, log)
    message = str(caught.value)
    assert message.startswith("config corpus: Additional properties")
    assert "'bogus'" in message and "'path' is a required property" in message
    assert len(message.splitlines()) <= 5  # one line per problem, then the pointer
    assert "Failed validating" in log.read_text()
    # a valid config passes silently
    check_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), SCHEMA)


def run_csv_corpus(tmp_path, name, rows, extra_config="", cores="-c1", timeout=600):
    """Run the workflow, in a fresh working directory, on a CSV corpus (id,date,text)."""
    (tmp_path / "work").mkdir()
    work = link_workflow(tmp_path / "work")
    (tmp_path / f"{name}.csv").write_text("\n".join(["id,date,text", *rows]) + "\n")
    (tmp_path / f"{name}.yaml").write_text(
        f"corpus:\n  name: {name}\n"
        f"  path: {tmp_path / f'{name}.csv'}\n"
        "  format: csv\n  columns: {id: id, date: date, text: text, title: '', source: ''}\n"
        + extra_config
    )
    config = str(tmp_path / f"{name}.yaml")
    proc = run_snakemake(cores, "--configfile", config, check=False, cwd=work, timeout=timeout)
    return work, proc


def test_tiny_corpus_stops_after_ingest_with_a_clear_message(tmp_path):
    rows = [
        f"t{i},2004-11-{10 + i},Document number {i} says the talks went well." for i in range(12)
    ]
    rows += ["bad1,22.13.2004,A row with an impossible date in it.", "bad2,2004-11-30,x"]
    work, proc = run_csv_corpus(tmp_path, "tiny", rows)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert (
        "[ingest] CorpusTooSmall: the corpus is too small: ingest kept 12 of 14 records" in output
    )
    assert "2 records were quarantined: bad date (1); empty or too short text (1)" in output
    copy = work / "results" / "tiny" / "logs" / "ingest_quarantine.csv"
    assert "results/tiny/logs/ingest_quarantine.csv" in output and copy.exists()
    assert "Traceback" not in output
    # nothing after ingest ran
    assert not (work / "results" / "tiny" / "preprocess").exists()


def test_smallest_accepted_corpus_runs_end_to_end(tmp_path):
    """ingest.min_documents documents (50) must get through every stage."""
    import numpy as np

    rng = np.random.default_rng(5)
    syllables = ["ba", "ko", "ri", "mu", "te", "sa", "lo", "vi", "ne", "du"]
    words = sorted({"".join(rng.choice(syllables, 3)) for _ in range(400)})[:300]
    zipf = 1 / np.arange(1, len(words) + 1)
    zipf /= zipf.sum()
    western = ["The United States", "NATO", "The West", "Washington"]
    rows = []
    for i in range(50):
        sentences = [" ".join(rng.choice(words, 8, p=zipf)).capitalize() + "." for _ in range(6)]
        if i % 5 == 0:
            sentences.append(
                f"{western[i % 4]} secretly financed the protest to topple the government."
            )
        day = 1 + i % 28
        rows.append(f's{i},2004-{1 + i % 12:02d}-{day:02d},"{" ".join(sentences)}"')
    work, proc = run_csv_corpus(tmp_path, "small", rows, "language: en\n", "-c2", 900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = work / "results" / "small"
    assert (results / "tables" / "event_ranking.csv").exists()
    assert (results / "figures" / "event_ranking.png").exists()
    assert not (work / "netguard.log").exists()


def test_cross_key_checks_list_every_contradiction():
    from schemes.configtools import cross_key_problems, load_config

    config = load_config(ROOT / "config" / "config.yaml")
    types = {"color_revolution", "nato_summit"}
    assert cross_key_problems(config, types) == []
    config["events"].update(
        contrasts=[["color_revolution", "nato_sumit"]], doc_measure="rule", correction="calibration"
    )
    config["corpus"]["name"] = "mine"
    problems = cross_key_problems(config, types)
    assert len(problems) == 4, problems
    for words in (
        ["events.contrasts", "nato_sumit"],
        ["events.correction", "classifier"],
        ["events.correction", "gold standard"],
        ["corpus.path", "mine"],
    ):
        assert any(all(w in p for w in words) for p in problems), words


@pytest.mark.parametrize(
    "target, words",
    [
        ("results/demo/tables/external_comparison.csv", ["design.external_codes is empty"]),
        ("results/demo/coding/wave2_to_code.csv", ["design.waves has 0 wave(s)", "wave 1"]),
    ],
)
def test_a_coding_output_asked_for_before_its_inputs_are_listed_names_the_key(target, words):
    proc = run_snakemake("-n", target, check=False, timeout=120)
    assert proc.returncode != 0
    message = proc.stdout + proc.stderr
    for word in words:
        assert word in message
