"""Control matrix at scale: open, filter and sort 5,000 controls.

Builds an engagement of 5,000 controls mapped to about three criteria each,
then measures (median of --runs, alternating with the baseline):

- open: from the call that opens the engagement on the Controls page until the
  view has painted its first screen of rows;
- filter: from setting one more character of search text until the model
  reports the new row count;
- sort: from a header click until the model reports the new order.

Baseline: the same visible columns (ref, title, owner, status, criteria as one
joined string) read with one plain SQLAlchemy Core select into a bare
QAbstractTableModel shown in a QTableView. Targets: open <= 1.5x the
baseline; filter and sort <= 50 ms each.

    python bench/matrix.py [--controls 5000] [--runs 7]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from app.domain.catalog import load_catalog  # noqa: E402
from app.services.engagements import create_engagement  # noqa: E402
from app.services.workspace import Workspace, open_workspace  # noqa: E402

WORDS = (
    "access review backup restore change approval vendor incident monitoring encryption "
    "training onboarding offboarding policy risk scan patch alert firewall laptop"
).split()
VISIBLE = ("ref", "title", "owner", "status", "criteria")


def build(workspace: Workspace, count: int) -> int:
    """An engagement with *count* controls, inserted in bulk."""
    engagement = create_engagement(workspace, name="Bench Co")
    rng = random.Random(7)
    now = datetime.now(UTC).isoformat(sep=" ")
    statuses = ["not-started", "in-progress", "implemented", "ready-for-audit", "exception"]
    with workspace.engine.begin() as connection:
        criteria = dict(connection.execute(text("SELECT ref, id FROM criterion")).all())
        ids = list(criteria.values())
        connection.execute(
            text(
                "INSERT INTO control (id, engagement_id, ref, title, description, owner, frequency, nature,"
                " control_type, is_key, status, systems, expected_evidence, test_procedure,"
                " population_source, gap, remediation_owner, exceptions, management_response, dependency,"
                " notes, created_at,"
                " updated_at) VALUES (:id, :e, :ref, :title, :description, :owner, 'monthly', 'manual',"
                " 'detective', :key, :status, '', '', '', '', '', '', '', '', '', '', :now, :now)"
            ),
            [
                {
                    "id": n + 1,
                    "e": engagement.id,
                    "ref": f"C-{n + 1:05d}",
                    "title": " ".join(rng.choices(WORDS, k=4)).capitalize(),
                    "description": " ".join(rng.choices(WORDS, k=20)),
                    "owner": rng.choice(["Dana", "Sam", "Lee", "Priya", ""]),
                    "key": rng.random() < 0.4,
                    "status": rng.choice(statuses),
                    "now": now,
                }
                for n in range(count)
            ],
        )
        connection.execute(
            text("INSERT INTO control_criterion (control_id, criterion_id) VALUES (:c, :k)"),
            [{"c": n + 1, "k": k} for n in range(count) for k in rng.sample(ids, 3)],
        )
    assert engagement.id is not None
    return engagement.id


class BareModel(QAbstractTableModel):
    def __init__(self, rows: list[Any]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return len(VISIBLE)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None


def baseline_open(database: Path, engagement_id: int) -> float:
    engine = create_engine(f"sqlite:///{database}")
    view = QTableView()
    view.resize(1280, 800)
    view.show()
    QApplication.processEvents()
    start = time.perf_counter()
    with engine.connect() as connection:
        statement = text(
            "SELECT c.ref, c.title, c.owner, c.status, group_concat(k.ref, ', ') FROM control c"
            " LEFT JOIN control_criterion m ON m.control_id = c.id"
            " LEFT JOIN criterion k ON k.id = m.criterion_id"
            " WHERE c.engagement_id = :e GROUP BY c.id ORDER BY c.ref"
        )
        rows = connection.execute(statement, {"e": engagement_id}).all()
    model = BareModel(rows)
    view.setModel(model)
    QApplication.processEvents()
    view.viewport().repaint()
    elapsed = time.perf_counter() - start
    view.close()
    engine.dispose()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.interaction import Interaction
    from app.ui.main_window import MainWindow
    from app.ui.pages.controls import ControlsPage
    from app.ui.window_state import window_state_for

    application = make_application()
    with tempfile.TemporaryDirectory() as folder:
        workspace = open_workspace(Path(folder))
        engagement_id = build(workspace, args.controls)
        load_catalog()
        window = MainWindow(AppContext(workspace, Interaction(), window_state_for(workspace.data_dir)))
        window.resize(1280, 800)
        window.show()
        page = window.open_page(ControlsPage)
        for column, spec in enumerate(page.model.FIELDS):
            page.table.setColumnHidden(column, spec.name not in VISIBLE)
        QApplication.processEvents()

        opens, bases = [], []
        for _ in range(args.runs):
            window.context.set_engagement(None)
            QApplication.processEvents()
            start = time.perf_counter()
            window.context.set_engagement(engagement_id)
            QApplication.processEvents()
            page.table.viewport().repaint()
            opens.append(time.perf_counter() - start)
            assert page.model.rowCount() == args.controls
            bases.append(baseline_open(workspace.database_path, engagement_id))

        filters = []
        for word in ("re", "ba", "po", "sc", "tr", "en", "ch"):
            page.apply_search(word[0])
            start = time.perf_counter()
            page.apply_search(word)
            filters.append(time.perf_counter() - start)
        page.apply_search("")
        sorts = []
        for field in ("title", "owner", "status", "criteria", "ref", "title", "owner"):
            column = page.model.column_of(field)
            start = time.perf_counter()
            page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            sorts.append(time.perf_counter() - start)
        window.close()
        workspace.close()
    application.quit()

    open_median, base_median = statistics.median(opens), statistics.median(bases)
    print(f"controls: {args.controls}, runs: {args.runs}")
    print(
        f"open:     median {open_median * 1000:.0f} ms; baseline {base_median * 1000:.0f} ms; "
        f"ratio {open_median / base_median:.2f}x (target <= 1.5x)"
    )
    print(
        f"filter:   median {statistics.median(filters) * 1000:.1f} ms, max {max(filters) * 1000:.1f} ms "
        "(target <= 50 ms)"
    )
    print(
        f"sort:     median {statistics.median(sorts) * 1000:.1f} ms, max {max(sorts) * 1000:.1f} ms "
        "(target <= 50 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
