"""docs/rules.md is generated from the registries: it fails here when someone forgets to regenerate it."""
from ingest.docs import DOC, render


def test_rules_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m ingest.docs"


def test_rules_command_lists_every_validation_rule():
    from click.testing import CliRunner

    from cli import main
    from ingest.rules import RULES

    out = CliRunner().invoke(main, ["rules"]).output
    assert all(rule_id in out for rule_id in RULES)
