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
