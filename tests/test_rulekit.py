"""Library edits re-run the rules that use the library: module hashes per rule script."""

from schemes.rulekit import library_modules, library_version


def _package(tmp_path):
    package = tmp_path / "schemes"
    package.mkdir()
    (package / "a.py").write_text("from schemes.b import f\n")
    (package / "b.py").write_text("def f():\n    from schemes import c as renamed, d\n")
    (package / "d.py").write_text("Z = 0\n")
    (package / "c.py").write_text("X = 1\n")
    (package / "unrelated.py").write_text("Y = 2\n")
    script = tmp_path / "rule.py"
    script.write_text("from schemes.a import g\nimport os\n")
    return package, script


def test_modules_are_followed_transitively_and_inside_functions(tmp_path):
    package, script = _package(tmp_path)
    assert [p.name for p in library_modules(script, package)] == ["a.py", "b.py", "c.py", "d.py"]


def test_version_changes_with_a_used_module_only(tmp_path):
    package, script = _package(tmp_path)
    before = library_version(script, package)
    (package / "unrelated.py").write_text("Y = 3\n")
    assert library_version(script, package) == before
    (package / "c.py").write_text("X = 2\n")  # two imports away
    assert library_version(script, package) != before


def test_every_rule_script_of_the_workflow_uses_the_package(root):
    for script in (root / "scripts" / "rules").glob("*.py"):
        assert library_modules(script, root / "scripts" / "schemes"), script.name


def test_a_full_disk_gives_one_warning_line_not_logging_tracebacks(capsys):
    """A log on a full disk (/dev/full): one line on stderr, no "--- Logging error ---"."""
    import logging
    from types import SimpleNamespace

    from schemes.rulekit import run

    def run_chatty(inputs: dict, outputs: dict) -> dict:
        for number in range(5):
            logging.getLogger("chatty").info("message %d", number)
        return {"ok": True}

    snakemake = SimpleNamespace(
        rule="chatty", log=["/dev/full"], params=SimpleNamespace(), input={}, output={}
    )
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        assert run(snakemake, run_chatty) == {"ok": True}
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers, root.level = saved[0], saved[1]
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.count("[chatty] warning: cannot write the log /dev/full") == 1
