"""Fixed vocabularies and their parsing."""

import pytest

from app.domain.vocab import (
    ControlType,
    Frequency,
    Nature,
    PolicyStatus,
    Status,
    VersionChange,
    canonical_category,
    canonical_report_kind,
    canonical_report_type,
    label,
    parse_choice,
)


def test_values_are_lower_case_with_hyphens() -> None:
    assert [f.value for f in Frequency] == [
        "annual",
        "semiannual",
        "quarterly",
        "monthly",
        "weekly",
        "daily",
        "multiple-daily",
        "per-event",
        "continuous",
    ]
    assert [s.value for s in Status] == [
        "not-started",
        "in-progress",
        "implemented",
        "ready-for-audit",
        "exception",
    ]
    assert [n.value for n in Nature] == ["manual", "automated", "it-dependent-manual"]
    assert [t.value for t in ControlType] == ["preventive", "detective", "corrective"]
    assert [s.value for s in PolicyStatus] == ["draft", "approved", "retired"]
    assert [c.value for c in VersionChange] == ["minor", "major"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Multiple daily", Frequency.MULTIPLE_DAILY),
        ("PER_EVENT", Frequency.PER_EVENT),
        ("Annual", Frequency.ANNUAL),
        ("multiple times a day", Frequency.MULTIPLE_DAILY),
    ],
)
def test_parse_choice_accepts_any_case_and_labels(text: str, expected: Frequency) -> None:
    assert parse_choice(Frequency, text) is expected


def test_parse_choice_names_accepted_values() -> None:
    with pytest.raises(ValueError, match="expected one of: manual, automated"):
        parse_choice(Nature, "robotic")


def test_labels() -> None:
    assert label("it-dependent-manual") == "IT-dependent manual"
    assert label("ready-for-audit") == "Ready for audit"
    assert label("semiannual") == "Semiannual"


def test_category_matching_is_case_insensitive_and_canonical() -> None:
    assert canonical_category("processing  INTEGRITY") == "Processing Integrity"
    with pytest.raises(ValueError, match="unknown category 'Integrity'"):
        canonical_category("Integrity")


def test_report_kind_and_type_spellings() -> None:
    assert canonical_report_kind("soc-2") == "SOC 2"
    assert canonical_report_type("type1") == "Type 1"
    with pytest.raises(ValueError):
        canonical_report_kind("SOC 3")
    with pytest.raises(ValueError):
        canonical_report_type("Type 3")
