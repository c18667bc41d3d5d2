"""The shipped Trust Services Criteria catalog."""

import collections
import re

import pytest

from app.domain.catalog import CRITERION_ID, load_catalog, sort_key
from app.domain.vocab import CATEGORIES

# The 61 IDs of TSC 2017, written out from the published structure (not read from the catalog).
EXPECTED_IDS = (
    [f"CC1.{n}" for n in range(1, 6)]
    + [f"CC2.{n}" for n in range(1, 4)]
    + [f"CC3.{n}" for n in range(1, 5)]
    + [f"CC4.{n}" for n in range(1, 3)]
    + [f"CC5.{n}" for n in range(1, 4)]
    + [f"CC6.{n}" for n in range(1, 9)]
    + [f"CC7.{n}" for n in range(1, 6)]
    + ["CC8.1", "CC9.1", "CC9.2"]
    + ["A1.1", "A1.2", "A1.3", "C1.1", "C1.2"]
    + [f"PI1.{n}" for n in range(1, 6)]
    + ["P1.1", "P2.1", "P3.1", "P3.2", "P4.1", "P4.2", "P4.3", "P5.1", "P5.2"]
    + [f"P6.{n}" for n in range(1, 8)]
    + ["P7.1", "P8.1"]
)
COSO = {
    "CC1": range(1, 6),
    "CC2": range(13, 16),
    "CC3": range(6, 10),
    "CC4": range(16, 18),
    "CC5": range(10, 13),
}


def test_counts_per_category() -> None:
    counts = collections.Counter(c.category for c in load_catalog().criteria)
    assert counts == {
        "Security": 33,
        "Availability": 3,
        "Confidentiality": 2,
        "Processing Integrity": 5,
        "Privacy": 18,
    }


def test_ids_are_the_published_ones_unique_and_well_formed() -> None:
    ids = [c.id for c in load_catalog().criteria]
    assert ids == EXPECTED_IDS
    assert len(set(ids)) == 61
    assert all(CRITERION_ID.match(i) for i in ids)
    assert not any(i.startswith("PP") or i == "PI1.6" for i in ids)


def test_ids_are_in_report_order() -> None:
    ids = [c.id for c in load_catalog().criteria]
    assert ids == sorted(ids, key=sort_key)


def test_categories_in_order_security_required() -> None:
    catalog = load_catalog()
    assert tuple(c.name for c in catalog.categories) == CATEGORIES
    assert [c.required for c in catalog.categories] == [True, False, False, False, False]
    for category in catalog.categories:
        assert len(category.summary) > 60
        assert category.examples
        prefix = category.id_prefix
        assert all(re.match(rf"^{prefix}\d", c.id) for c in catalog.in_category(category.name))


@pytest.mark.parametrize("criterion", load_catalog().criteria, ids=lambda c: c.id)
def test_every_criterion_has_its_texts(criterion) -> None:  # type: ignore[no-untyped-def]
    assert criterion.group.split()[0] == criterion.id.split(".")[0]
    assert 5 <= len(criterion.title) <= 60
    assert len(criterion.about) >= 80
    assert len(criterion.auditors_look_for) >= 60
    assert len(criterion.typical_controls) >= 2 and all(len(t) > 15 for t in criterion.typical_controls)
    assert len(criterion.typical_evidence) >= 2 and all(len(t) > 15 for t in criterion.typical_evidence)


def test_coso_principles_follow_the_mapping() -> None:
    for criterion in load_catalog().criteria:
        family = criterion.id.split(".")[0]
        if family in COSO:
            assert criterion.coso_principle in COSO[family], criterion.id
        else:
            assert criterion.coso_principle is None, criterion.id
    principles = [c.coso_principle for c in load_catalog().criteria if c.coso_principle]
    assert sorted(principles) == list(range(1, 18))


def test_texts_are_specific_to_each_criterion() -> None:
    abouts = [c.about for c in load_catalog().criteria]
    assert len(set(abouts)) == len(abouts)


def test_lookup_and_search_text() -> None:
    catalog = load_catalog()
    assert catalog.criterion("CC6.1").category == "Security"
    with pytest.raises(KeyError):
        catalog.criterion("PI1.6")
    assert "cc6.1" in catalog.criterion("CC6.1").search_text
