"""docs/alerts.md is generated from the rules registry and the last evaluation: it fails here when someone
forgets to regenerate it, and every rule of the rules file has its evaluator."""
from alerts.docs import DOC, render
from alerts.engine import EVALUATORS
from alerts.rules import load_rules


def test_alerts_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m alerts.docs"


def test_every_rule_of_the_file_is_evaluated():
    assert set(EVALUATORS) == set(load_rules().rules)
