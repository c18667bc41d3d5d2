"""Staff lists, sign-off sheets and who has acknowledged which policy version."""

from datetime import date, datetime

import pytest

from app.domain.policies import (
    QUESTIONS,
    PolicyRow,
    approve_policy,
    load_policy_library,
    new_policy,
    retire_policy,
    start_new_version,
)
from app.domain.staff import (
    AcknowledgementRow,
    StaffRow,
    TableError,
    acknowledgement_covers,
    acknowledgement_register,
    late_acknowledgements,
    merge_acknowledgements,
    merge_staff,
    normalise_email,
    outstanding_acknowledgements,
    parse_signoff_sheet,
    parse_staff_list,
)
from app.domain.vocab import VersionChange

ANSWERS = {q.key: q.example for q in QUESTIONS}
TODAY = date(2026, 6, 1)

HR_EXPORT = [
    ("Acme Analytics — employee directory", None, None, None, None, None),
    ("Exported 01/06/2026 by BambooHR", None, None, None, None, None),
    (None, None, None, None, None, None),
    ("Employee #", "Full Name", "Work E-mail", "Job Title", "Hire Date", "Termination Date"),
    (101, "Doe, Jane", " Jane.Doe@Acme.example ", "CEO", datetime(2019, 3, 4), None),
    (102, "Sam Lee", "sam@acme.example", "Engineer", "15/01/2026", ""),
    (103, "Ana Ortiz", "ana@acme.example", "Designer", 45292, "28/02/2026"),
    (None, None, None, None, None, None),
    (104, "Kim Bo", "kim@acme.example", None, "2026-07-01", None),
]


def people(**overrides: StaffRow) -> list[StaffRow]:
    return [
        StaffRow("jane.doe@acme.example", "Jane Doe", "CEO", date(2019, 3, 4)),
        StaffRow("sam@acme.example", "Sam Lee", "Engineer", date(2026, 1, 15)),
        StaffRow("ana@acme.example", "Ana Ortiz", "Designer", date(2024, 1, 1), date(2026, 2, 28)),
        StaffRow("kim@acme.example", "Kim Bo", "", date(2026, 7, 1)),
    ]


# ---------------------------------------------------------------------------
# Staff lists
# ---------------------------------------------------------------------------


def test_an_hr_export_with_title_rows_synonyms_and_mixed_dates_is_read() -> None:
    imported = parse_staff_list(HR_EXPORT)
    assert imported.errors == ()
    assert imported.header_row == 4
    assert imported.fields == ("name", "role", "start_date", "end_date")
    assert list(imported.staff) == people()
    assert imported.warnings == ("column A “Employee #” is not part of a staff list; ignored",)


def test_first_and_last_name_columns_and_month_first_dates() -> None:
    rows = [
        ["First Name", "Last Name", "Email Address", "Start Date (MM/DD/YYYY)"],
        ["Jane", "Doe", "jane@acme.example", "03/14/2025"],
        ["Sam", "Lee", "mailto:SAM@acme.example", "04/01/2025"],
    ]
    imported = parse_staff_list(rows)
    assert imported.errors == ()
    assert imported.fields == ("name", "start_date")
    assert [(p.name, p.email, p.start_date) for p in imported.staff] == [
        ("Jane Doe", "jane@acme.example", date(2025, 3, 14)),
        ("Sam Lee", "sam@acme.example", date(2025, 4, 1)),
    ]


def test_dates_that_cannot_be_ordered_need_the_order_given() -> None:
    rows = [["Name", "Email", "Start"], ["Jane", "jane@acme.example", "03/04/2025"]]
    imported = parse_staff_list(rows)
    assert [str(e) for e in imported.errors] == [
        "row 2, column C: '03/04/2025' could be 3 Apr or 4 Mar; "
        "say whether the file's dates are day-first or month-first"
    ]
    assert parse_staff_list(rows, day_first=True).staff[0].start_date == date(2025, 4, 3)
    assert parse_staff_list(rows, day_first=False).staff[0].start_date == date(2025, 3, 4)


def test_every_bad_row_is_reported_with_its_row_and_column() -> None:
    rows = [
        ["Name", "Email", "Start date", "End date"],
        ["Jane", "jane@acme.example", "2025-01-01", ""],
        ["", "nobody@acme.example", "", ""],
        ["Sam", "not-an-email", "", ""],
        ["Ana", "", "", ""],
        ["Kim", "kim@acme.example", "2025-05-01", "2025-04-01"],
        ["Jane again", "JANE@acme.example", "", ""],
        ["Lou", "lou@acme.example", "someday", ""],
    ]
    imported = parse_staff_list(rows)
    assert [str(e) for e in imported.errors] == [
        "row 3, column A: no name",
        "row 4, column B: 'not-an-email' is not an email address",
        "row 5, column B: no email address",
        "row 6, column D: ends (2025-04-01) before starting (2025-05-01)",
        "row 7, column B: jane@acme.example is already listed on row 2",
        "row 8, column C: 'someday' is not a date (use a form such as 2026-07-16)",
    ]


def test_a_table_without_email_and_name_columns_is_refused_in_one_line() -> None:
    with pytest.raises(TableError, match="no header row with an email column and a name column"):
        parse_staff_list([["Employee", "Department"], ["Jane", "Sales"]])
    with pytest.raises(TableError, match="mix day-first"):
        parse_staff_list(
            [["Name", "Email", "Start"], ["A", "a@x.io", "16/07/2025"], ["B", "b@x.io", "07/16/2025"]]
        )


def test_email_addresses_are_compared_in_lower_case() -> None:
    assert normalise_email(" <Jane.Doe@Acme.Example> ") == "jane.doe@acme.example"
    with pytest.raises(ValueError, match="is not an email address"):
        normalise_email("jane@localhost")


def test_re_import_updates_by_email_keeps_blanks_and_never_deletes() -> None:
    existing = people()
    rows = [
        ["Name", "EMAIL", "Role", "Start", "Leaving date"],
        ["Jane Doe", "JANE.DOE@ACME.EXAMPLE", "Chief Executive", "", ""],
        ["Sam Lee", "sam@acme.example", "", "", "2026-05-29"],
        ["Lou Park", "lou@acme.example", "Support", "2026-05-18", ""],
    ]
    merge = merge_staff(existing, parse_staff_list(rows))
    by_email = {p.email: p for p in merge.staff}
    assert len(merge.staff) == 5
    assert by_email["jane.doe@acme.example"] == StaffRow(
        "jane.doe@acme.example", "Jane Doe", "Chief Executive", date(2019, 3, 4)
    )
    assert by_email["sam@acme.example"].end_date == date(2026, 5, 29)
    assert by_email["sam@acme.example"].role == "Engineer"
    assert [p.email for p in merge.added] == ["lou@acme.example"]
    assert [(c.email, c.changes) for c in merge.updated] == [
        ("jane.doe@acme.example", (("role", "CEO", "Chief Executive"),)),
        ("sam@acme.example", (("end_date", "", "2026-05-29"),)),
    ]
    assert merge.unchanged == 0
    assert [p.email for p in merge.not_in_file] == ["ana@acme.example", "kim@acme.example"]
    assert by_email["ana@acme.example"] == existing[2]


def test_people_missing_from_a_current_staff_export_can_be_given_an_end_date() -> None:
    rows = [["Name", "Email"], ["Jane Doe", "jane.doe@acme.example"], ["Sam Lee", "sam@acme.example"]]
    merge = merge_staff(people(), parse_staff_list(rows), end_missing_on=date(2026, 6, 1))
    by_email = {p.email: p for p in merge.staff}
    assert by_email["ana@acme.example"].end_date == date(2026, 2, 28)  # already left: kept
    assert by_email["kim@acme.example"].end_date is None  # starts in July: not ended
    assert merge.unchanged == 2 and merge.updated == ()
    merge = merge_staff(
        people()[:2] + [StaffRow("ed@acme.example", "Ed", "", None)],
        parse_staff_list(rows),
        end_missing_on=date(2026, 6, 1),
    )
    assert merge.staff[2].end_date == date(2026, 6, 1)
    assert [(c.email, c.changes) for c in merge.updated] == [
        ("ed@acme.example", (("end_date", "", "2026-06-01"),))
    ]


def test_a_leaver_who_starts_again_is_a_rehire() -> None:
    rows = [["Name", "Email", "Start"], ["Ana Ortiz", "ana@acme.example", "2026-05-04"]]
    merge = merge_staff(people(), parse_staff_list(rows))
    ana = next(p for p in merge.staff if p.email == "ana@acme.example")
    assert (ana.start_date, ana.end_date) == (date(2026, 5, 4), None)


def test_a_list_with_errors_is_not_merged() -> None:
    imported = parse_staff_list([["Name", "Email"], ["Jane", "bad"]])
    with pytest.raises(ValueError, match="has errors"):
        merge_staff([], imported)


# ---------------------------------------------------------------------------
# Policies and sign-off sheets
# ---------------------------------------------------------------------------


def policy(key: str = "acceptable-use", approved_on: date = date(2025, 1, 6)) -> PolicyRow:
    seeded = new_policy(load_policy_library().template(key), owner="IT Manager", today=date(2025, 1, 2))
    return approve_policy(
        seeded, approved_by="CEO", approved_on=approved_on, answers=ANSWERS, today=approved_on
    )


def new_version(row: PolicyRow, change: VersionChange, approved_on: date) -> PolicyRow:
    draft = start_new_version(row, change=change, summary=f"{change} change", today=approved_on)
    return approve_policy(
        draft, approved_by="CEO", approved_on=approved_on, answers=ANSWERS, today=approved_on
    )


def test_a_long_sign_off_sheet_with_policy_and_version_columns() -> None:
    acceptable = new_version(policy(), VersionChange.MINOR, date(2025, 9, 1))
    code = policy("code-of-conduct")
    rows = [
        ["Policy acknowledgement campaign 2025", None, None, None, None],
        ["Employee", "Email", "Policy", "Version", "Signed on", "Status"],
        ["Jane Doe", "jane.doe@acme.example", "Acceptable Use Policy", "1.0", "28/02/2025", "Signed"],
        ["Jane Doe", "jane.doe@acme.example", "acceptable-use", 1.1, datetime(2025, 9, 3), "Signed"],
        ["Sam Lee", "SAM@acme.example", "Code of Conduct and Whistleblowing Policy", "v1", "2026-01-20", ""],
        ["Ana Ortiz", "ana@acme.example", "Code of Conduct and Whistleblowing", "", "", "Pending"],
        [
            "Sam Lee",
            "sam@acme.example",
            "code of conduct and whistleblowing policy",
            "1.0",
            "2026-01-22",
            "yes",
        ],
    ]
    imported = parse_signoff_sheet(rows, policies=[acceptable, code], staff=people(), today=TODAY)
    assert imported.errors == ()
    assert imported.header_row == 2
    assert imported.not_signed == 1
    assert imported.acknowledgements == (
        AcknowledgementRow("acceptable-use", "1.0", "jane.doe@acme.example", date(2025, 2, 28)),
        AcknowledgementRow("acceptable-use", "1.1", "jane.doe@acme.example", date(2025, 9, 3)),
        AcknowledgementRow("code-of-conduct", "1.0", "sam@acme.example", date(2026, 1, 20)),
    )


def test_a_single_policy_paper_sheet_matches_names_and_the_version_in_force_on_each_date() -> None:
    acceptable = new_version(policy(), VersionChange.MINOR, date(2025, 9, 1))
    rows = [
        ["ACCEPTABLE USE POLICY — STAFF ACKNOWLEDGEMENT", None, None],
        ["I have read and will follow the policy.", None, None],
        ["Name", "Signature", "Date"],
        ["Doe, Jane", "J. Doe", "02.09.2025"],
        ["sam lee", "S Lee", "31.08.2025"],
        ["Ana Ortiz", "", ""],
    ]
    imported = parse_signoff_sheet(
        rows, policies=[acceptable], staff=people(), today=TODAY, policy_key="acceptable-use"
    )
    assert imported.errors == ()
    assert imported.not_signed == 1
    assert [(a.email, a.version) for a in imported.acknowledgements] == [
        ("jane.doe@acme.example", "1.1"),
        ("sam@acme.example", "1.0"),
    ]


def test_sign_off_rows_that_do_not_fit_are_reported() -> None:
    acceptable = policy()
    drafting = start_new_version(acceptable, change=VersionChange.MAJOR, summary="x", today=date(2025, 3, 1))
    rows = [
        ["Name", "Email", "Policy", "Version", "Date", "Signed"],
        ["Jane Doe", "", "Acceptable Use", "", "", "yes"],
        ["Jane Doe", "", "Acceptable Use", "", "2026-07-01", "yes"],
        ["Jane Doe", "", "Acceptable Use", "", "2024-12-31", "yes"],
        ["Zed", "", "Acceptable Use", "", "2025-02-01", "yes"],
        ["", "zed@acme.example", "Acceptable Use", "", "2025-02-01", "yes"],
        ["Jane Doe", "", "Travel Policy", "", "2025-02-01", "yes"],
        ["Jane Doe", "", "Acceptable Use", "2.0", "2025-03-02", "yes"],
        ["Jane Doe", "", "Acceptable Use", "1.4", "2025-03-02", "yes"],
        ["Jane Doe", "", "Acceptable Use", "1.0", "2025-01-05", "yes"],
        ["Jane Doe", "", "", "", "2025-02-01", "yes"],
    ]
    imported = parse_signoff_sheet(rows, policies=[drafting], staff=people(), today=TODAY)
    assert imported.acknowledgements == ()
    assert [str(e) for e in imported.errors] == [
        "row 2, column E: marked as signed but has no date",
        "row 3, column E: the date 2026-07-01 is in the future",
        "row 4, column C: the Acceptable Use Policy was acknowledged on 2024-12-31, "
        "before it was first approved (2025-01-06)",
        "row 5, column B: nobody called 'Zed' is on the staff list; add an Email column",
        "row 6, column B: zed@acme.example is not on the staff list; import the staff list first",
        "row 7, column C: 'Travel Policy' is not a policy of this engagement",
        "row 8, column C: version 2.0 of the Acceptable Use Policy is not approved",
        "row 9, column C: the Acceptable Use Policy has no version 1.4",
        "row 10, column C: acknowledged on 2025-01-05, before version 1.0 was approved (2025-01-06)",
        "row 11, column C: no policy named; add a Policy column or say which policy the sheet is for",
    ]


def test_names_shared_by_two_people_need_an_email() -> None:
    staff = [*people(), StaffRow("jane.d@acme.example", "Jane Doe")]
    rows = [["Name", "Date"], ["Jane Doe", "2025-02-01"]]
    imported = parse_signoff_sheet(
        rows, policies=[policy()], staff=staff, today=TODAY, policy_key="acceptable-use"
    )
    assert [str(e) for e in imported.errors] == [
        "row 2, column A: 2 people called 'Jane Doe' are on the staff list; add an Email column"
    ]


def test_sign_off_needs_a_staff_list_and_a_header() -> None:
    with pytest.raises(TableError, match="import the staff list before acknowledgements"):
        parse_signoff_sheet([["Name", "Date"]], policies=[policy()], staff=[], today=TODAY)
    with pytest.raises(TableError, match="no header row with a date column and an email or name column"):
        parse_signoff_sheet([["Name", "Policy"]], policies=[policy()], staff=people(), today=TODAY)


def test_merging_acknowledgements_keeps_what_is_recorded() -> None:
    first = AcknowledgementRow("acceptable-use", "1.0", "sam@acme.example", date(2025, 2, 1))
    again = AcknowledgementRow("acceptable-use", "1.0", "sam@acme.example", date(2025, 2, 9))
    other = AcknowledgementRow("acceptable-use", "1.0", "jane.doe@acme.example", date(2025, 2, 9))
    merge = merge_acknowledgements([first], [again, other])
    assert merge.acknowledgements == (first, other)
    assert merge.added == (other,)
    assert merge.already_recorded == 1


# ---------------------------------------------------------------------------
# Who has acknowledged the version in force
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acknowledged", "current", "covers"),
    [
        ("1.0", "1.0", True),
        ("1.0", "1.3", True),
        ("1.2", "1.10", True),
        ("1.1", "1.0", False),
        ("1.3", "2.0", False),
    ],
)
def test_minor_versions_carry_acknowledgements_and_major_ones_reset_them(
    acknowledged: str, current: str, covers: bool
) -> None:
    assert acknowledgement_covers(acknowledged, current) is covers


def ack(email: str, version: str, day: date, key: str = "acceptable-use") -> AcknowledgementRow:
    return AcknowledgementRow(key, version, email, day)


def test_draft_to_approved_to_minor_to_major_carries_then_resets_acknowledgements() -> None:
    staff = people()[:2]  # Jane (since 2019) and Sam (since 15 Jan 2026)
    draft = new_policy(load_policy_library().template("acceptable-use"), owner="IT", today=date(2025, 12, 1))
    assert acknowledgement_register([draft], staff, [], on=TODAY) == ()  # nothing to acknowledge yet
    acceptable = approve_policy(
        draft, approved_by="CEO", approved_on=date(2026, 1, 5), answers=ANSWERS, today=date(2026, 1, 5)
    )
    acks = [ack("jane.doe@acme.example", "1.0", date(2026, 1, 7))]
    outstanding = outstanding_acknowledgements(acceptable, staff, acks, on=date(2026, 2, 1))
    assert [(r.email, r.state, r.version) for r in outstanding] == [("sam@acme.example", "never", "1.0")]

    minor = new_version(acceptable, VersionChange.MINOR, date(2026, 3, 2))
    acks.append(ack("sam@acme.example", "1.0", date(2026, 2, 20)))
    assert outstanding_acknowledgements(minor, staff, acks, on=date(2026, 3, 3)) == ()
    register = acknowledgement_register([minor], staff, acks, on=date(2026, 3, 3))
    assert [(r.name, r.version, r.acknowledged_version, r.state) for r in register] == [
        ("Jane Doe", "1.1", "1.0", "acknowledged"),
        ("Sam Lee", "1.1", "1.0", "acknowledged"),
    ]

    major = new_version(minor, VersionChange.MAJOR, date(2026, 4, 1))
    outstanding = outstanding_acknowledgements(major, staff, acks, on=date(2026, 4, 2))
    assert [(r.email, r.state, r.version, r.acknowledged_version) for r in outstanding] == [
        ("jane.doe@acme.example", "earlier-major", "2.0", "1.0"),
        ("sam@acme.example", "earlier-major", "2.0", "1.0"),
    ]
    acks.append(ack("sam@acme.example", "2.0", date(2026, 4, 3)))
    outstanding = outstanding_acknowledgements(major, staff, acks, on=date(2026, 4, 4))
    assert [r.email for r in outstanding] == ["jane.doe@acme.example"]


def test_acknowledgements_expire_after_the_renewal_period() -> None:
    acceptable = policy()
    acks = [ack("jane.doe@acme.example", "1.0", date(2025, 1, 31))]
    staff = people()[:1]
    assert outstanding_acknowledgements(acceptable, staff, acks, on=date(2026, 1, 31)) == ()
    (row,) = outstanding_acknowledgements(acceptable, staff, acks, on=date(2026, 2, 1))
    assert (row.state, row.acknowledged_on) == ("expired", date(2025, 1, 31))
    assert (
        outstanding_acknowledgements(acceptable, staff, acks, on=date(2026, 2, 1), renewal_months=None) == ()
    )


def test_the_register_covers_active_people_and_policies_in_force_only() -> None:
    staff = people()
    acceptable = policy()
    retired = retire_policy(policy("code-of-conduct"), today=date(2025, 6, 1))
    draft = new_policy(load_policy_library().template("backup"), owner="IT", today=date(2025, 1, 2))
    later = ack("sam@acme.example", "1.0", date(2026, 6, 2))  # after the day asked about
    register = acknowledgement_register([acceptable, retired, draft], staff, [later], on=TODAY)
    assert [(r.policy_key, r.name, r.state) for r in register] == [
        ("acceptable-use", "Jane Doe", "never"),
        ("acceptable-use", "Sam Lee", "never"),
    ]
    assert register[0].as_dict()["start_date"] == "2019-03-04"


def test_new_starters_who_missed_the_acknowledgement_deadline() -> None:
    acceptable = policy(approved_on=date(2025, 6, 2))
    staff = [
        StaffRow("old@acme.example", "Olga Old", start_date=date(2020, 1, 6)),
        StaffRow("ontime@acme.example", "Tim Ontime", start_date=date(2025, 9, 1)),
        StaffRow("pre@acme.example", "Pia Pre", start_date=date(2025, 9, 1)),
        StaffRow("late@acme.example", "Lara Late", start_date=date(2025, 10, 6)),
        StaffRow("never@acme.example", "Ned Never", start_date=date(2025, 11, 3)),
        StaffRow("left@acme.example", "Lee Left", start_date=date(2025, 11, 3), end_date=date(2025, 11, 5)),
        StaffRow("new@acme.example", "Nia New", start_date=date(2026, 5, 28)),
        StaffRow("nodate@acme.example", "Noa Nodate"),
    ]
    acks = [
        ack("ontime@acme.example", "1.0", date(2025, 9, 8)),
        ack("pre@acme.example", "1.0", date(2025, 8, 20)),
        ack("late@acme.example", "1.0", date(2025, 10, 14)),
        ack("never@acme.example", "1.0", date(2025, 11, 10), key="backup"),
    ]
    late = late_acknowledgements(acceptable, staff, acks, on=TODAY)
    assert [(r.email, r.due_on, r.acknowledged_on) for r in late] == [
        ("old@acme.example", date(2025, 6, 9), None),
        ("late@acme.example", date(2025, 10, 13), date(2025, 10, 14)),
        ("never@acme.example", date(2025, 11, 10), None),
    ]
    window = late_acknowledgements(
        acceptable,
        staff,
        acks,
        on=TODAY,
        within_days=10,
        joined_from=date(2025, 7, 1),
        joined_to=date(2025, 12, 31),
    )
    assert [r.email for r in window] == ["never@acme.example"]
    unapproved = new_policy(load_policy_library().template("backup"), owner="IT", today=date(2025, 1, 2))
    assert late_acknowledgements(unapproved, staff, acks, on=TODAY) == ()
