"""The starter library: coverage of every criterion, complete texts, and selection by scope."""

import pytest

from app.domain.catalog import load_catalog
from app.domain.controls import coerce_value
from app.domain.starter import (
    EVIDENCE_SEPARATOR,
    SYSTEMS_SEPARATOR,
    StarterControl,
    control_values,
    load_starter,
    select_for_scope,
)
from app.domain.vocab import CATEGORIES, ControlType, Frequency, Nature, ObjectiveKind

TEST_WORDS = ("Inquiry", "Observation", "Inspection", "Reperformance")
ALL_CONTROLS = load_starter().all_controls


def refs(controls: tuple[StarterControl, ...]) -> list[str]:
    return [c.ref for c in controls]


def touching(*categories: str) -> list[str]:
    """Refs of the SOC 2 starter controls mapped to a criterion of these categories, in file order."""
    wanted = {c.id for c in load_catalog().criteria if c.category in categories}
    return [c.ref for c in load_starter().controls if wanted.intersection(c.criteria)]


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_criterion_of_every_category_has_a_starter_control(category: str) -> None:
    mapped = {criterion for control in load_starter().controls for criterion in control.criteria}
    missing = [c.id for c in load_catalog().in_category(category) if c.id not in mapped]
    assert missing == []


def test_refs_are_unique_across_both_files() -> None:
    all_refs = refs(ALL_CONTROLS)
    assert len(all_refs) == len(set(all_refs))
    objective_refs = [o.ref for o in load_starter().objectives]
    assert len(objective_refs) == len(set(objective_refs))


@pytest.mark.parametrize("control", ALL_CONTROLS, ids=refs(ALL_CONTROLS))
def test_control_text_is_complete(control: StarterControl) -> None:
    assert control.title.strip() and control.owner_role.strip()
    assert len(control.description) >= 80
    assert 2 <= len(control.evidence) <= 4
    assert all(item.strip() and EVIDENCE_SEPARATOR.strip() not in item for item in control.evidence)
    assert all(item.strip() and SYSTEMS_SEPARATOR.strip() not in item for item in control.systems)
    assert control.test_procedure.startswith(TEST_WORDS)
    assert control.frequency in set(Frequency)
    assert control.nature in set(Nature)
    assert control.control_type in set(ControlType)
    assert set(control.criteria) <= load_catalog().ids


def test_soc2_controls_have_criteria() -> None:
    assert all(control.criteria for control in load_starter().controls)


def test_objectives_are_complete_and_refer_to_existing_controls() -> None:
    library = load_starter()
    soc2_refs = set(refs(library.controls))
    assert len(library.objectives) >= 12
    for objective in library.objectives:
        assert objective.kind in set(ObjectiveKind), objective.ref
        assert len(objective.description) >= 80, objective.ref
        assert set(objective.soc2_controls) <= soc2_refs, objective.ref
        assert objective.soc2_controls or objective.controls, objective.ref
        types = set(objective.business_types)
        if objective.kind == ObjectiveKind.ITGC:
            assert types == {"all"}, objective.ref
        else:
            assert types and types <= {b.id for b in library.business_types}, objective.ref


def test_every_business_type_has_business_objectives() -> None:
    library = load_starter()
    for business_type in library.business_types:
        assert business_type.name and len(business_type.description) >= 40
        assert any(business_type.id in o.business_types for o in library.objectives), business_type.id


def test_control_values_fit_the_matrix() -> None:
    starter = load_starter().control("GOV-01")
    values = control_values(starter)
    assert values["owner"] == "Head of People"
    assert values["systems"] == "BambooHR"
    assert values["expected_evidence"].split(EVIDENCE_SEPARATOR) == list(starter.evidence)
    assert (values["status"], values["is_key"], values["frequency"]) == ("not-started", True, "annual")
    assert all(coerce_value(name, value) == value for name, value in values.items())


def test_security_only_selects_the_controls_touching_security() -> None:
    controls, objectives = select_for_scope(load_starter(), ("Security",), False, None)
    assert refs(controls) == touching("Security")
    assert objectives == ()
    privacy_only = set(touching("Privacy")) - set(touching(*CATEGORIES[:4]))
    assert privacy_only and not privacy_only & set(refs(controls))


def test_selected_controls_keep_all_their_criteria() -> None:
    controls, _ = select_for_scope(load_starter(), ("Availability",), False, None)
    assert any(not set(c.criteria) <= {"A1.1", "A1.2", "A1.3"} for c in controls)
    assert refs(controls) == touching("Availability")


def test_all_categories_select_every_soc2_control() -> None:
    controls, _ = select_for_scope(load_starter(), CATEGORIES, False, None)
    assert refs(controls) == refs(load_starter().controls)


def test_soc1_payroll_selects_itgcs_payroll_objectives_and_their_controls() -> None:
    library = load_starter()
    controls, objectives = select_for_scope(library, (), True, "payroll")
    assert {o.kind for o in objectives} == {"itgc", "business"}
    assert all(o.business_types in (("all",), ("payroll",)) for o in objectives)
    assert [o.ref for o in objectives if o.kind == "itgc"] == [
        o.ref for o in library.objectives if o.kind == "itgc"
    ]
    needed = {ref for o in objectives for ref in (*o.soc2_controls, *refs(o.controls))}
    assert set(refs(controls)) == needed
    assert len(controls) == len(needed)


def test_soc1_by_business_type_name_and_never_every_type_at_once() -> None:
    library = load_starter()
    _, by_name = select_for_scope(library, (), True, "Payroll processing")
    _, by_id = select_for_scope(library, (), True, "payroll")
    assert by_name == by_id
    for missing in ("", "  ", None):
        with pytest.raises(ValueError, match="seeded for one business type.*payroll, claims-benefits"):
            select_for_scope(library, ("Security",), True, missing)
    with pytest.raises(ValueError, match="unknown business type 'bakery'"):
        select_for_scope(library, (), True, "bakery")
    assert select_for_scope(library, ("Security",), False, None)[1] == ()


def test_soc1_and_soc2_together_add_no_control_twice_soc2_first() -> None:
    library = load_starter()
    controls, objectives = select_for_scope(library, ("Security",), True, "billing")
    selected = refs(controls)
    assert len(selected) == len(set(selected))
    assert set(touching("Security")) <= set(selected)
    assert {"CO-16", "CO-17", "CO-18"} <= {o.ref for o in objectives}
    soc2 = [ref for ref in refs(library.controls) if ref in selected]
    assert selected == soc2 + [ref for o in objectives for ref in refs(o.controls)]


def test_selection_is_deterministic() -> None:
    first = select_for_scope(load_starter(), ("Security", "Privacy"), True, "custody-fund-admin")
    assert select_for_scope(load_starter(), ("Security", "Privacy"), True, "custody-fund-admin") == first
