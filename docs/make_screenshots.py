"""Render every page of the main window to PNG, offscreen, over a demo workspace.

    python docs/make_screenshots.py [OUTPUT_DIR] [--size 1280x800]

Writes ``<page>.png`` per sidebar page, ``start.png`` (an empty workspace:
the path), ``wizard.png`` (the scoping wizard's last step) and
``add-evidence.png`` (files being added onto controls), by default into
docs/screenshots.
"""

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.controls import list_controls, update_control  # noqa: E402
from app.services.engagements import create_engagement, update_engagement  # noqa: E402
from app.services.evidence import add_evidence  # noqa: E402
from app.services.policies import approve_policy, seed_policies, set_policy_answers  # noqa: E402
from app.services.requests import import_request_list, preview_request_list  # noqa: E402
from app.services.seeding import seed_engagement  # noqa: E402
from app.services.workspace import Workspace, open_workspace  # noqa: E402

POLICY_ANSWERS = {
    "cloud_provider": "Amazon Web Services",
    "identity_provider": "Okta",
    "ticketing_tool": "Jira",
    "code_hosting": "GitHub",
    "hr_system": "BambooHR",
    "device_management": "Jamf",
    "security_contact": "security@northbeam.example",
    "security_owner": "IT Manager",
    "policy_approver": "CEO",
    "people_owner": "Head of People",
    "engineering_owner": "CTO",
    "privacy_owner": "Privacy Officer",
}

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.ui.main_window import MainWindow


def demo_workspace(folder: Path) -> Workspace:
    """A workspace with one engagement scoped like a typical first SOC 2."""
    workspace = open_workspace(folder)
    engagement = create_engagement(
        workspace,
        name="Northbeam 2026",
        company="Northbeam Analytics",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        auditor_firm="Harbor & Vale CPAs",
    )
    assert engagement.id is not None
    update_engagement(
        workspace,
        engagement.id,
        system_name="Northbeam Insights platform",
        system_description="A hosted analytics service for mid-sized retailers.",
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security", "Availability", "Confidentiality"],
    )
    seed_engagement(workspace, engagement_id=engagement.id)
    rows = list_controls(workspace, engagement_id=engagement.id)
    statuses = ["implemented", "ready-for-audit", "in-progress", "implemented", "not-started", "implemented"]
    for number, row in enumerate(rows):
        update_control(workspace, row.id, status=statuses[number % len(statuses)])
    by_ref = {row.ref: row.id for row in rows}
    samples = folder / "samples"
    samples.mkdir()
    for name, ref, collected, text in (
        ("access-review-q1.csv", "ACC-03", date(2026, 3, 28), "user,system,decision\nana,AWS,keep\n"),
        ("mfa-settings.txt", "ACC-04", date(2026, 1, 12), "MFA enforced for all users: yes\n"),
        ("backup-restore-test.txt", "BCP-02", date(2026, 2, 20), "Restore of prod snapshot completed\n"),
        ("security-policy-2025.txt", "POL-01", date(2025, 11, 3), "Information security policy v3\n"),
    ):
        path = samples / name
        path.write_text(text)
        add_evidence(
            workspace,
            engagement_id=engagement.id,
            files=[path],
            control_ids=[by_ref[ref]],
            collected_on=collected,
        )
    request_list = samples / "Harbor & Vale PBC list.csv"
    request_list.write_text(
        "Harbor & Vale CPAs - request list,,,,,\n"
        "Request ID,Request,TSC,Control,Due date,Status\n"
        "PBC-01,Population of user access changes,CC6.2,ACC-02,2026-07-10,Open\n"
        "PBC-02,Quarterly access reviews with sign-off,CC6.2 CC6.3,ACC-03,2026-07-10,Open\n"
        "PBC-03,Backup restore test results,A1.3,BCP-02,2026-07-17,Open\n"
        "PBC-04,Information security policy and acknowledgements,CC1.1; CC2.2,POL-01,2026-07-24,Open\n"
    )
    preview = preview_request_list(workspace, engagement_id=engagement.id, path=request_list)
    import_request_list(workspace, preview)
    set_policy_answers(workspace, engagement_id=engagement.id, answers=POLICY_ANSWERS)
    seeded = seed_policies(workspace, engagement_id=engagement.id, today=date(2026, 1, 5))
    for key in seeded.added[:10]:
        approve_policy(
            workspace,
            engagement_id=engagement.id,
            key=key,
            approved_by="Dana Reyes, CEO",
            approved_on=date(2026, 1, 15),
            today=date(2026, 1, 15),
        )
    create_engagement(workspace, name="Larkspur Payroll 2026", company="Larkspur Payroll")
    return workspace


def save(widget: "QWidget", target: Path) -> None:
    widget.grab().save(str(target))
    print(target)


def shoot_dialogs(window: "MainWindow", output: Path, samples: Path) -> None:
    """The wizard on its last step and the dialog that adds files onto controls, over the window."""
    from PySide6.QtWidgets import QApplication, QWizard

    from app.ui.pages.evidence import EvidencePage
    from app.ui.pages.scope import ScopePage

    wizard = window.open_page(ScopePage).open_wizard()
    assert wizard is not None
    wizard.service.boxes["customer_data"].setChecked(True)
    wizard.timing.type2.setChecked(True)
    while wizard.currentId() != wizard.pageIds()[-1]:
        wizard.button(QWizard.WizardButton.NextButton).click()
    QApplication.processEvents()
    save(wizard, output / "wizard.png")
    wizard.reject()
    dialog = window.open_page(EvidencePage).add_with_controls([samples / "access-review-q1.csv"])
    assert dialog is not None
    dialog.search.setText("access review")
    QApplication.processEvents()
    save(dialog, output / "add-evidence.png")
    dialog.reject()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=Path(__file__).parent / "screenshots")
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))

    from PySide6.QtWidgets import QApplication

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.interaction import Interaction
    from app.ui.main_window import MainWindow
    from app.ui.pages.controls import ControlsPage
    from app.ui.pages.criteria import CriteriaPage
    from app.ui.window_state import window_state_for

    application = make_application()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as empty:
        workspace = open_workspace(Path(empty))
        window = MainWindow(AppContext(workspace, Interaction(), window_state_for(workspace.data_dir)))
        window.resize(width, height)
        window.show()
        QApplication.processEvents()
        save(window, args.output / "start.png")
        window.close()
        workspace.close()
    with tempfile.TemporaryDirectory() as folder:
        workspace = demo_workspace(Path(folder))
        window = MainWindow(AppContext(workspace, Interaction(), window_state_for(workspace.data_dir)))
        window.resize(width, height)
        window.show()
        window.context.set_engagement(1)
        for index, spec in enumerate(window.pages):
            window.show_page(index)
            page = window.current_page()
            if isinstance(page, CriteriaPage):
                page.select_criterion("CC6.1")
            if isinstance(page, ControlsPage) and page.model.rowCount():
                page.select_control(page.model.row_at(0).id)
            QApplication.processEvents()
            save(window, args.output / f"{spec.title.lower().replace(' ', '-')}.png")
        shoot_dialogs(window, args.output, Path(folder) / "samples")
        window.close()
        workspace.close()
    application.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
