"""The starter library's corrections and additions, its CUECs and subservice organizations, and the
business types the wizard may name."""

import re

import pytest

from app.domain.catalog import load_catalog, sort_key
from app.domain.scoping import QUESTIONS_BY_KEY
from app.domain.starter import (
    StarterControl,
    StarterCuec,
    cuec_values,
    load_starter,
    select_carveouts,
    subservice_values,
)
from app.domain.vocab import Frequency, Nature, SubserviceMethod

LIBRARY = load_starter()


def control(ref: str) -> StarterControl:
    return LIBRARY.control(ref)


# --- catalog corrections -----------------------------------------------------------------------


def test_cc33_covers_all_three_sides_of_fraud_risk() -> None:
    criterion = load_catalog().criterion("CC3.3")
    for side in ("pressure", "opportunity", "rationalisation"):
        assert side in criterion.about
        assert side in criterion.auditors_look_for


def test_p66_tells_notifying_the_authority_from_notifying_individuals() -> None:
    criterion = load_catalog().criterion("P6.6")
    assert "authority" in criterion.title and "affected people" in criterion.title
    assert "two separate notifications" in criterion.about
    assert "supervisory authority" in criterion.about and "affected individuals" in criterion.about
    notices = control("PRV-10")
    assert "supervisory authority" in notices.description and "affected individuals" in notices.description
    assert "separately" in notices.description


def critical_deadlines(text: str) -> list[str]:
    return re.findall(r"[Cc]ritical(?:\s+[a-z]+){0,4}\s+(\d+)\s+days", text) + re.findall(
        r"(\d+)\s+days behind on critical", text
    )


def test_one_deadline_for_critical_vulnerabilities_across_catalog_and_controls() -> None:
    texts = [" ".join((c.about, c.auditors_look_for, *c.typical_controls)) for c in load_catalog().criteria]
    texts += [c.description for c in LIBRARY.all_controls]
    found = [days for text in texts for days in critical_deadlines(text)]
    assert len(found) >= 3  # the catalog, the vulnerability control and the laptop patching control
    assert set(found) == {"14"}


# --- control corrections -----------------------------------------------------------------------

FOLLOW_UPS_NOW_IT_DEPENDENT = ["MON-04", "ACC-07", "NET-05", "CON-05", "CHG-07", "PI-04", "AV-03"]
FOLLOW_UPS_NOW_IT_DEPENDENT += ["PAY-04", "CLM-04", "BIL-03"]


@pytest.mark.parametrize("ref", FOLLOW_UPS_NOW_IT_DEPENDENT)
def test_controls_with_manual_follow_up_are_it_dependent_manual(ref: str) -> None:
    assert control(ref).nature == Nature.IT_DEPENDENT_MANUAL


@pytest.mark.parametrize(("automated", "follow_up"), [("BCP-01", "BCP-06"), ("END-03", "END-07")])
def test_split_controls_leave_the_follow_up_to_a_per_event_control(automated: str, follow_up: str) -> None:
    assert control(automated).nature == Nature.AUTOMATED
    assert f"followed up under {follow_up}" in control(automated).description
    second = control(follow_up)
    assert (second.nature, second.frequency, second.is_key) == ("it-dependent-manual", "per-event", True)
    assert set(second.criteria) & set(control(automated).criteria)


def test_automated_controls_hand_follow_up_to_another_control_by_ref() -> None:
    refs = {c.ref for c in LIBRARY.all_controls}
    for item in LIBRARY.all_controls:
        for ref in re.findall(r"followed up under ([A-Z]+-\d+)", item.description):
            assert ref in refs and control(ref).nature != Nature.AUTOMATED, item.ref


def test_access_reviews_are_not_signed_off_by_the_administrators() -> None:
    privileged = control("ACC-06")
    assert (
        privileged.owner_role == "CTO" and "holds no day-to-day administrator role" in privileged.description
    )
    assert "approves none of them" in control("ACC-03").description
    assert (
        "the CTO reviews the administrator accounts including the IT Manager's own"
        in control("ACC-03").description
    )
    assert "CTO reviews the list" in control("ACC-09").description
    assert "who does not administer the badge system" in control("ACC-11").description
    assert "Operations Manager, who grants no roles" in control("ITG-01").description


def test_production_logs_are_out_of_reach_of_production_administrators() -> None:
    logs = control("OPS-06")
    assert "production administrators, the DevOps Lead included, have no rights" in logs.description
    assert logs.owner_role != "DevOps Lead"


def test_deployments_are_checked_by_someone_who_approves_no_changes() -> None:
    check = control("CHG-08")
    assert (
        check.owner_role == "IT Manager" and "neither writes nor approves code changes" in check.description
    )


def test_emergency_changes_have_recorded_approval_before_deployment() -> None:
    emergency = control("CHG-05")
    assert "approved it in writing" in emergency.description and "before deployment" in emergency.description
    assert "verbal" not in emergency.description
    assert any("approval dated before the deployment" in item for item in emergency.evidence)


def test_controls_whose_population_is_findings_are_per_event() -> None:
    assert control("OPS-02").frequency == Frequency.PER_EVENT
    for item in LIBRARY.all_controls:
        if item.frequency == Frequency.WEEKLY:
            assert "finding" not in item.population_source.casefold(), item.ref


def test_upgrades_and_restores_keep_customer_data_inside_production() -> None:
    upgrade = control("HOST-03")
    assert (
        "synthetic or masked data" in upgrade.description
        and "copy of that environment" not in upgrade.description
    )
    assert "inside the production boundary" in control("BCP-02").description
    assert "copies of production data are not permitted outside production" in control("CON-04").description


@pytest.mark.parametrize(
    ("ref", "criterion", "frequency"),
    [
        ("POL-04", "CC2.2", "annual"),  # staff re-acknowledge the security policies each year
        ("CHG-10", "CC8.1", "per-event"),  # direct changes to production data
        ("OPS-10", "CC7.2", "monthly"),  # privileged activity logs reviewed
        ("ACC-12", "CC6.2", "per-event"),  # contractors outside the HR system offboarded
    ],
)
def test_additions(ref: str, criterion: str, frequency: str) -> None:
    added = control(ref)
    assert criterion in added.criteria and added.frequency == frequency and added.is_key
    assert added in LIBRARY.controls


def test_additions_say_who_checks_whom() -> None:
    assert "does not hold the privileges reviewed" in control("OPS-10").description
    assert "other than the author" in control("CHG-10").description
    assert "not in the HR system" in control("ACC-12").description
    assert "re-read and acknowledge" in control("POL-04").description


# --- business types, CUECs and subservice organizations -------------------------------------------


def test_the_wizard_help_names_only_business_types_with_starter_objectives() -> None:
    offered = LIBRARY.business_types_with_objectives
    assert [b.id for b in offered] == [b.id for b in LIBRARY.business_types]
    help_text = QUESTIONS_BY_KEY["financial_reporting_impact"].help.casefold()
    for business_type in offered:
        assert business_type.name.casefold() in help_text, business_type.id
    for unnamed in ("loan", "payments", "benefits or claims"):
        assert unnamed not in help_text


def test_cuecs_are_complete_and_refer_to_what_exists() -> None:
    refs = [c.ref for c in LIBRARY.cuecs]
    assert len(refs) == len(set(refs))
    types = {b.id for b in LIBRARY.business_types} | {"all"}
    objectives = {o.ref: o for o in LIBRARY.objectives}
    for cuec in LIBRARY.cuecs:
        assert len(cuec.description) >= 60 and set(cuec.business_types) <= types, cuec.ref
        assert set(cuec.related_criteria) <= load_catalog().ids, cuec.ref
        for ref in cuec.objectives:
            objective = objectives[ref]
            assert set(objective.business_types) & ({"all"} | set(cuec.business_types)), (cuec.ref, ref)


@pytest.mark.parametrize("business_type", [b.id for b in LIBRARY.business_types])
def test_every_business_type_has_starter_cuecs(business_type: str) -> None:
    cuecs, subservices = select_carveouts(LIBRARY, True, business_type)
    own = [c for c in cuecs if business_type in c.business_types]
    assert len(own) >= 3
    assert all(c.business_types in (("all",), (business_type,)) for c in cuecs)
    assert [s.name for s in subservices] == ["Amazon Web Services"]


def test_carveouts_for_a_soc2_only_engagement_and_a_soc1_without_type() -> None:
    cuecs, subservices = select_carveouts(LIBRARY, False, None)
    assert [c.ref for c in cuecs] == ["CUEC-01", "CUEC-02", "CUEC-03", "CUEC-04"]
    assert len(subservices) == 1
    with pytest.raises(ValueError, match="one business type"):
        select_carveouts(LIBRARY, True, "")


def test_the_cloud_provider_is_a_prefilled_carve_out() -> None:
    values = subservice_values(LIBRARY.subservices[0])
    assert values["method"] == SubserviceMethod.CARVE_OUT
    assert set(values) == {"name", "services", "method", "csocs", "monitoring", "notes"}
    assert all(len(values[key]) >= 40 for key in ("services", "csocs", "monitoring", "notes"))
    assert "VEN-03" in values["monitoring"]


def test_cuec_values_fit_the_cuec_table() -> None:
    general = cuec_values(StarterCuec("CUEC-9", ("all",), "Customers do things.", ("CC7.3", "CC2.3"), ()))
    assert general == {
        "ref": "CUEC-9",
        "description": "Customers do things.",
        "related_criteria": "CC2.3, CC7.3",
        "notes": "",
    }
    payroll = cuec_values(next(c for c in LIBRARY.cuecs if c.ref == "CUEC-PAY-02"))
    assert payroll["related_criteria"] == ""
    assert payroll["notes"] == "Supports SOC 1 objectives CO-09, CO-10."
    single = cuec_values(next(c for c in LIBRARY.cuecs if c.ref == "CUEC-CLM-01"))
    assert single["notes"] == "Supports SOC 1 objective CO-13."
    ordered = cuec_values(LIBRARY.cuecs[0])["related_criteria"].split(", ")
    assert ordered == sorted(ordered, key=sort_key)
