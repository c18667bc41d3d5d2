"""What probably is a mistake among files about to be added, told before anything is copied."""

from pathlib import Path

from app.services.controls import add_control
from app.services.engagements import create_engagement
from app.services.evidence import add_evidence, evidence_counts, evidence_warnings
from app.services.workspace import Workspace


def test_each_probable_mistake_is_named_once(workspace: Workspace, tmp_path: Path) -> None:
    engagement = create_engagement(workspace, name="W")
    first = add_control(workspace, engagement_id=engagement.id, ref="ACC-01", title="Access review")
    other = add_control(workspace, engagement_id=engagement.id, ref="ACC-02", title="MFA")
    review = tmp_path / "review.csv"
    review.write_text("user,decision\nana,keep\n")
    add_evidence(workspace, engagement_id=engagement.id, files=[review], control_ids=[first.id])
    again = tmp_path / "review again.csv"
    again.write_bytes(review.read_bytes())
    empty = tmp_path / "empty.txt"
    empty.touch()
    script = tmp_path / "cleanup.txt"
    script.write_text("#!/bin/sh\nrm -rf /tmp/x\n")
    installer = tmp_path / "setup.exe"
    installer.write_bytes(b"MZ\x90\x00")
    big = tmp_path / "dump.sql"
    big.write_bytes(b"x" * 2048)
    fine = tmp_path / "policy.pdf"
    fine.write_bytes(b"%PDF-1.7 policy")
    files = [again, empty, script, installer, big, fine]

    warnings = evidence_warnings(
        workspace, engagement_id=engagement.id, files=files, control_ids=[first.id], large_bytes=1024
    )

    assert [(w.file_name, w.kind) for w in warnings] == [
        ("review again.csv", "duplicate"),
        ("empty.txt", "empty"),
        ("cleanup.txt", "program"),
        ("setup.exe", "program"),
        ("dump.sql", "large"),
    ]
    assert warnings[0].message == "review again.csv is already attached to ACC-01 (as review.csv)"
    assert warnings[4].message == "dump.sql is 2.0 KB, more than the 1.0 KB evidence usually takes"
    elsewhere = evidence_warnings(
        workspace, engagement_id=engagement.id, files=[again], control_ids=[other.id]
    )
    assert elsewhere == [], "the same file for another control is not a mistake"
    assert evidence_counts(workspace, engagement_id=engagement.id) == {first.id: 1}
