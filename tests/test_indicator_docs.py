"""docs/indicators.md is the registry's own text, and the registry is consistent with itself."""
from indicators.docs import DOC, load_backtest, render
from indicators.formula import parts_of
from indicators.registry import FAMILIES, FIELD_LABELS, RECORD_FIELDS, UNITS, fields, label, unit_of


def test_committed_docs_are_generated():
    assert DOC.read_text(encoding="utf-8") == render(load_backtest()), \
        "docs/indicators.md is out of date: run `python -m indicators.docs`"


def test_registry_is_complete():
    for fam in FAMILIES.values():
        ids = [i.id for i in fam.indicators]
        assert len(ids) == len(set(ids)), fam.id
        for ind in fam.indicators:
            assert ind.family == fam.id and ind.unit in UNITS and ind.name and ind.formula
            for arg in ind.recipe[1:]:
                assert arg in ids, (fam.id, ind.id, arg)  # recipes name figures of their own family
            assert parts_of(fam.id, ind.id) <= set(ids)
        for field in fields(fam.id):
            assert label(fam.id, field) != field, (fam.id, field)  # every column has a Chinese header
    for name, cols in RECORD_FIELDS.items():
        assert all(c in FIELD_LABELS for c in cols), name
    assert unit_of("execution", "spent") == "元" and unit_of("execution", "code") == "text"
