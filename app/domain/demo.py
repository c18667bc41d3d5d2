"""The demo engagement: a fictional company whose audit preparation shows every page and export working.

Larkspur Analytics (a made-up company) sells Larkspur Insights, a customer
analytics service. It is in its second year of SOC 2 Type 2 reports
(Security, Availability, Confidentiality): last year's report ended three
months before the day the demo is made, this year's period runs twelve
months from the day after, and a customer has asked for a bridge letter.
Everything here is data, dated from the day the demo is made
(:func:`demo_dates`), so the demo always looks current. The company name
says "(demo)", so every file made from it says so too.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.domain.rollforward import next_period
from app.domain.staff import AcknowledgementRow, StaffRow
from app.domain.vocab import Status

DEFAULT_NAME = "Demo — Larkspur Analytics"
COMPANY = "Larkspur Analytics, Inc. (demo)"
SYSTEM_NAME = "Larkspur Insights"
SYSTEM_SUMMARY = (
    "Larkspur Insights collects product usage events from customers' own web and mobile apps and turns "
    "them into dashboards and reports about how their users behave."
)
AUDITOR = "Hollis & Reed LLP (fictional)"
CATEGORIES = ("Security", "Availability", "Confidentiality")
REPORT = "SOC 2"
REPORT_TYPE = "Type 2"

OWNERS = {
    "IT Manager": "Lena Park",
    "DevOps Lead": "Tomás Rivera",
    "Head of People": "Priya Natarajan",
    "CFO": "Samuel Adeyemi",
    "Engineering Manager": "Jonas Berg",
    "CTO": "Amara Osei",
    "Privacy Officer": "Daniel Okafor",
    "CEO": "Maya Chen",
    "Head of Product": "Ines Duarte",
    "Head of Customer Success": "Rafael Moreno",
    "Office Manager": "Kim Tran",
}
"""The person behind each role the starter library names as a control's owner."""


@dataclass(frozen=True, slots=True)
class DemoDates:
    """The demo's calendar, from the day it is made."""

    today: date
    prior_end: date
    """The end of last year's report period: the last day of the month three months back."""
    period_start: date
    period_end: date
    through: date
    """The last day the bridge letter covers: the end of last month."""

    @property
    def set_up(self) -> datetime:
        """When the demo company set up this year's engagement: before the period began."""
        return datetime.combine(self.period_start - timedelta(days=12), time(9, 0), tzinfo=UTC)

    def day(self, offset: int) -> date:
        """The day *offset* days into the period."""
        return self.period_start + timedelta(days=offset)

    def at(self, offset: int) -> datetime:
        """Mid-morning (UTC) of the day *offset* days into the period."""
        return datetime.combine(self.day(offset), time(10, 30), tzinfo=UTC)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def demo_dates(today: date) -> DemoDates:
    """The demo's dates for a demo made on *today*."""
    index = today.year * 12 + today.month - 1
    prior_year, prior_month = divmod(index - 3, 12)
    last_year, last_month = divmod(index - 1, 12)
    prior_end = _month_end(prior_year, prior_month + 1)
    start, end = next_period(prior_end)
    return DemoDates(
        today=today,
        prior_end=prior_end,
        period_start=start,
        period_end=end,
        through=_month_end(last_year, last_month + 1),
    )


def scoping_answers(dates: DemoDates) -> dict[str, object]:
    """The demo's answers to the scoping wizard: a renewal, so the wizard recommends this year's period."""
    return {
        "financial_reporting_impact": False,
        "customer_data": True,
        "customers_requested": ["SOC 2"],
        "ipo_planned": False,
        "availability_commitments": True,
        "confidential_data": True,
        "processing_integrity": False,
        "personal_information": False,
        "controls_operating_months": 18,
        "evidence_kept": True,
        "report_needed_within_months": 12,
        "customers_require_type2": True,
        "prior_report": {"report": REPORT, "type": REPORT_TYPE, "period_end": dates.prior_end.isoformat()},
    }


@dataclass(frozen=True, slots=True)
class ControlWork:
    """How far the demo company is with one control, beyond the starter library's values."""

    status: str
    gap: str = ""
    remediation_owner: str = ""
    remediation_due_offset: int | None = None
    """Days after the demo is made (negative: overdue)."""
    exceptions: str = ""
    management_response: str = ""
    owner: str | None = None
    """Replaces the owner; ``""`` leaves the control without one."""


IN_PROGRESS = Status.IN_PROGRESS.value
EXCEPTION = Status.EXCEPTION.value
NOT_STARTED = Status.NOT_STARTED.value
CONTROL_WORK: dict[str, ControlWork] = {
    "ACC-02": ControlWork(
        EXCEPTION,
        exceptions="One of the five people who left during the period kept access to the analytics "
        "warehouse for 6 days after leaving, because the HR ticket was raised late.",
        management_response="HR now raises the offboarding ticket on the day notice is given; IT reviews "
        "leavers against the warehouse user list every week.",
        remediation_owner="Lena Park",
        remediation_due_offset=21,
    ),
    "BCP-02": ControlWork(
        EXCEPTION,
        exceptions="The restore test planned for last month was not run: the engineer doing it was moved "
        "to an outage.",
        management_response="The test is now on the platform team's calendar with a named stand-in.",
        remediation_owner="Tomás Rivera",
        remediation_due_offset=10,
    ),
    "AST-04": ControlWork(
        IN_PROGRESS,
        gap="Retention is enforced on the event store but not yet on the export bucket.",
        remediation_owner="Tomás Rivera",
        remediation_due_offset=-12,
    ),
    "ACC-09": ControlWork(
        IN_PROGRESS,
        gap="Two service accounts have keys older than the six-month rotation rule.",
        remediation_owner="Lena Park",
        remediation_due_offset=30,
    ),
    "NET-02": ControlWork(
        IN_PROGRESS,
        gap="The quarterly rule review has no sign-off step yet.",
        remediation_owner="Tomás Rivera",
        remediation_due_offset=45,
    ),
    "CON-04": ControlWork(IN_PROGRESS, gap="The staging data check is written but not yet scheduled."),
    "OPS-05": ControlWork(IN_PROGRESS, gap="The container baseline is documented; the database one is not."),
    "INC-03": ControlWork(IN_PROGRESS, gap="This year's tabletop exercise is planned for next month."),
    "GOV-06": ControlWork(NOT_STARTED, owner=""),
    "ACC-11": ControlWork(NOT_STARTED, owner=""),
    "RSK-05": ControlWork(NOT_STARTED),
}
"""The controls the demo company has not finished; every other control is implemented or ready."""

READY_EVERY = 3
"""Every third remaining control (in ref order) is merely implemented; the others are ready for audit."""


@dataclass(frozen=True, slots=True)
class DemoCuec:
    ref: str
    description: str
    related_criteria: str


STORY_CUEC = DemoCuec(
    "CUEC-05",
    "Customers who export reports to their own storage protect those copies under their own "
    "confidentiality rules.",
    "C1.1",
)
"""Added during the period (the starter library's CUECs come with seeding): one of the changes listed."""


@dataclass(frozen=True, slots=True)
class DemoSubservice:
    name: str
    services: str
    csocs: str
    monitoring: str


POSTMARK = DemoSubservice(
    "Postmark",
    "delivery of scheduled report emails",
    "Encryption of email in transit; access to message content limited to Postmark's support staff.",
    "The IT manager reviews Postmark's security report every year and its status page every month.",
)
"""Added during the period, with its carve-out terms."""

STORY_CONTROL = "CHG-05"
STORY_CONTROL_DESCRIPTION = (
    "An emergency change may skip the usual review only when production is down or data is at risk. The "
    "on-call lead approves it in the incident channel before it is deployed, and a second engineer "
    "reviews the change within one working day; the ticket links both."
)
"""The control whose description the company changed during the period."""

SECTIONS: dict[str, str] = {
    "services": (
        "Larkspur Analytics sells **Larkspur Insights**, a subscription service for product teams. "
        "Customers add a small tracking library to their own web and mobile apps; the library sends "
        "usage events to Larkspur, which turns them into dashboards, funnels and scheduled reports.\n\n"
        "This description covers the Larkspur Insights production platform and the people and processes "
        "that build and run it. Larkspur's public website and its internal finance systems are not part "
        "of it."
    ),
    "commitments": (
        "Larkspur's terms of service and data processing agreement promise customers that:\n\n"
        "- their event data is encrypted in transit and at rest;\n"
        "- the dashboards are available 99.9% of each month, outside announced maintenance;\n"
        "- only Larkspur staff who need it can reach customer data;\n"
        "- customer data is deleted within 30 days of the end of a contract;\n"
        "- a security incident affecting their data is reported within 72 hours.\n\n"
        "To keep these promises the system requires single sign-on with multi-factor authentication for "
        "all staff, reviewed code changes, daily backups and monitored capacity."
    ),
    "components": (
        "**Infrastructure.** Larkspur Insights runs on Amazon Web Services in two availability zones of "
        "one region, behind a load balancer and a web application firewall.\n\n"
        "**Software.** An ingestion API, a stream processor, a columnar event store and the dashboard "
        "application. Code lives in GitHub and is deployed by GitHub Actions.\n\n"
        "**People.** Twenty-four staff: an engineering team of eleven, a platform team of three led by "
        "the head of platform, a security and IT team of two, and customer success.\n\n"
        "**Procedures.** Written procedures for access, changes, incidents, backups and vendor reviews, "
        "reviewed every year.\n\n"
        "**Data.** Customers' usage events and the user identifiers their apps attach to them, "
        "classified as confidential; account and billing contacts; system logs."
    ),
    "boundaries": (
        "The system is the Larkspur Insights production environment, the pipelines that build and "
        "deploy it, and the people who run it. Customers' own apps and the tracking library once it runs "
        "inside them are outside it. Hosting and email delivery come from other companies whose controls "
        "are carved out."
    ),
    "criteria-controls": (
        "Every control below has a named owner who runs it and keeps its evidence in the workbench. The "
        "head of security reviews the controls each quarter. Larkspur has no data centre: physical "
        "security is provided by Amazon Web Services."
    ),
    "cuecs": (
        "The customer agreement and the onboarding guide tell customers what they must do themselves; "
        "the list below is kept in step with both."
    ),
    "subservice-orgs": (
        "Larkspur relies on two subservice organizations, both carved out of this report. Their SOC "
        "reports are reviewed every year and the reviews are kept with the vendor register."
    ),
    "changes": (
        "Larkspur started sending scheduled report emails through Postmark, and tightened the approval of "
        "emergency changes. There were no other significant changes during the period."
    ),
}
"""The drafted description: ``incidents`` is left to write, ``components`` and ``changes`` to review."""
WORKED_OFFSET = 45
"""Days into the period when the matrix was last worked on and the description drafted."""

INCIDENT_OFFSET = 40
INCIDENT = (
    "A configuration change made the dashboards unavailable for 35 minutes. It was rolled back; "
    "deployments now go to a canary server first. No customer data was affected."
)
STORY_OFFSETS = {"subservice": 9, "control": 24, "cuec": 31}
"""Days into the period of the changes the description and the bridge letter list."""


def ready_status(position: int) -> str:
    """The status of the *position*-th control (in ref order) the demo company has finished."""
    return Status.IMPLEMENTED.value if position % READY_EVERY == 2 else Status.READY_FOR_AUDIT.value


# Evidence files the demo makes for itself ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A system export: a title line, a header and rows."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Screenshot:
    """A screen of an admin console: window title, heading, setting/value lines and a caption."""

    window: str
    heading: str
    rows: tuple[tuple[str, str], ...]
    caption: str


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """A policy document in Markdown, with its title block lines."""

    markdown: str
    particulars: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class DemoEvidence:
    """One evidence file of the demo: its name, what it shows, the controls it serves and its dates."""

    file_name: str
    title: str
    controls: tuple[str, ...]
    content: CsvFile | Screenshot | PolicyFile
    collected_on: date
    covers_from: date | None = None
    covers_to: date | None = None
    as_of: date | None = None
    source_system: str = ""


STAFF = (
    ("Maya Chen", "Leadership", "CEO"),
    ("Amara Osei", "Engineering", "CTO"),
    ("Samuel Adeyemi", "Finance", "CFO"),
    ("Priya Natarajan", "People", "Head of People"),
    ("Daniel Okafor", "Security", "Head of Security"),
    ("Lena Park", "Security", "IT Manager"),
    ("Tomás Rivera", "Platform", "Head of Platform"),
    ("Jonas Berg", "Engineering", "Engineering Manager"),
    ("Ines Duarte", "Product", "Head of Product"),
    ("Rafael Moreno", "Customer Success", "Head of Customer Success"),
    ("Kim Tran", "Operations", "Office Manager"),
    ("Noah Fischer", "Platform", "Platform Engineer"),
    ("Aisha Rahman", "Platform", "Platform Engineer"),
    ("Leo Martin", "Engineering", "Software Engineer"),
    ("Sofia Rossi", "Engineering", "Software Engineer"),
    ("Yuki Tanaka", "Engineering", "Software Engineer"),
    ("Omar Haddad", "Engineering", "Software Engineer"),
    ("Chloe Dubois", "Engineering", "Software Engineer"),
    ("Mateo García", "Engineering", "Software Engineer"),
    ("Hannah Weber", "Engineering", "Data Engineer"),
    ("Ethan Brooks", "Engineering", "Data Engineer"),
    ("Zara Ali", "Customer Success", "Support Specialist"),
    ("Lucas Silva", "Customer Success", "Support Specialist"),
    ("Nora Lind", "Product", "Designer"),
)
"""The demo company's staff (all fictional)."""
ADMINS = frozenset({"Amara Osei", "Lena Park", "Tomás Rivera", "Noah Fischer", "Aisha Rahman"})


def _email(name: str) -> str:
    first, last = name.split()[0], name.split()[-1]
    plain = f"{first}.{last}".lower().replace("á", "a").replace("í", "i").replace("é", "e")
    return f"{plain}@larkspur.example"


def _stamp(day: date, engagement: str, system: str, what: str) -> str:
    return f"{COMPANY}: {what} exported from {system} on {day.isoformat()} for “{engagement}”"


def _users(dates: DemoDates, engagement: str, review_day: date) -> CsvFile:
    rows = tuple(
        (
            name,
            _email(name),
            department,
            role,
            "Super administrator" if name in ADMINS else "Member",
            (review_day - timedelta(days=(index * 3) % 17 + 1)).isoformat(),
            "Keep",
        )
        for index, (name, department, role) in enumerate(STAFF)
    )
    return CsvFile(
        _stamp(review_day, engagement, "Okta", "active users"),
        ("Name", "Email", "Department", "Title", "Okta role", "Last sign-in", "Reviewer decision"),
        rows,
    )


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""Month names in English whatever the system's locale, so the files read the same everywhere."""


def _month(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def _month_span(start: date) -> tuple[date, date]:
    return start, _month_end(start.year, start.month)


def _privileged(engagement: str, span: tuple[date, date]) -> CsvFile:
    reviewed = span[1] + timedelta(days=3)
    rows = tuple(
        (
            name,
            _email(name),
            "AdministratorAccess",
            "Platform on-call" if "Platform" in role else role,
            "Keep",
        )
        for name, _department, role in STAFF
        if name in ADMINS
    )
    return CsvFile(
        _stamp(reviewed, engagement, "AWS IAM Identity Center", f"privileged users for {_month(span[0])}"),
        ("Name", "Email", "Permission set", "Reason", "Reviewer decision (Daniel Okafor)"),
        rows,
    )


def _deployments(engagement: str, span: tuple[date, date]) -> CsvFile:
    rows = []
    day, number = span[0], 0
    while day <= span[1]:
        if day.weekday() < 4:
            number += 1
            author = STAFF[13 + number % 7][0]
            reviewer = STAFF[13 + (number + 3) % 7][0]
            rows.append((day.isoformat(), f"PR-{4100 + number}", author, reviewer, "passed", "matches"))
        day += timedelta(days=1)
    return CsvFile(
        _stamp(
            span[1] + timedelta(days=2),
            engagement,
            "GitHub Actions",
            f"production deployments of {_month(span[0])}",
        ),
        ("Deployed", "Pull request", "Author", "Approved by", "Checks", "Change record"),
        tuple(rows),
    )


def _leavers(dates: DemoDates, engagement: str) -> CsvFile:
    names = ("Felix Braun", "Grace Kim", "Ivan Petrov", "Julia Costa", "Karl Meyer")
    rows = []
    for index, name in enumerate(names):
        left = dates.day(6 + index * 11)
        late = index == 2
        removed = left + timedelta(days=6 if late else 0)
        rows.append((name, _email(name), left.isoformat(), removed.isoformat(), "yes" if late else "no"))
    return CsvFile(
        _stamp(dates.through, engagement, "BambooHR and Okta", "leavers and the day their access ended"),
        ("Name", "Email", "Last working day", "Access removed", "Late"),
        tuple(rows),
    )


SECURITY_POLICY = """# Information security policy

## Purpose

This policy says how Larkspur Analytics protects the data customers entrust to it and the systems that \
hold it. It applies to every employee and contractor.

## What everyone must do

- Sign in with single sign-on and multi-factor authentication.
- Keep company data on company systems only.
- Report a suspected incident in the #security channel at once.
- Complete security training when hired and every year.

## Access

Access is granted by role, on an approved request, and removed on the last working day. Access lists \
are reviewed every quarter; privileged access every month.

## Changes

Every change to production is reviewed by a second engineer and deployed by the pipeline.

## Review

The head of security reviews this policy every year; the CEO approves it.
"""

INCIDENT_PLAN = """# Incident response plan

## When to use it

Use this plan for any event that may affect the security or availability of Larkspur Insights or the \
confidentiality of customer data.

## Steps

1. Report it in the #security channel or to the on-call engineer.
2. The incident lead rates its severity and opens a ticket.
3. Contain, fix and recover; keep notes in the ticket.
4. Tell affected customers within 72 hours when their data is involved.
5. Hold a review within five working days and track its actions.

## Roles

| Role | Who |
|---|---|
| Incident lead | Head of security |
| Deputy | Head of platform |
| Communications | Head of customer success |
"""


def demo_evidence(dates: DemoDates, engagement: str) -> tuple[DemoEvidence, ...]:
    """The evidence files of a demo engagement named *engagement* (its name makes their content its own)."""
    return (
        *_policy_evidence(dates, engagement),
        *_screenshots(dates, engagement),
        *_lists(dates, engagement),
        *_records_of_the_period(dates, engagement),
    )


def _policy_evidence(dates: DemoDates, engagement: str) -> tuple[DemoEvidence, ...]:
    """The approved policy and plan, as PDF files."""
    approved = policies_approved_on(dates)
    policy = (("Version", "1.0"), ("Approved", approved.isoformat()), ("Engagement", engagement))
    return (
        DemoEvidence(
            "information-security-policy.pdf",
            "Information security policy v1.0",
            ("POL-01",),
            PolicyFile(SECURITY_POLICY, policy),
            approved,
            as_of=approved,
            source_system="Google Workspace",
        ),
        DemoEvidence(
            "incident-response-plan.pdf",
            "Incident response plan",
            ("INC-01",),
            PolicyFile(INCIDENT_PLAN, policy),
            approved,
            as_of=approved,
            source_system="Google Workspace",
        ),
    )


def _screenshots(dates: DemoDates, engagement: str) -> tuple[DemoEvidence, ...]:
    """Screens of the systems' settings, as PNG files."""
    caption = f"Captured {{day}} by Lena Park for “{engagement}”"
    return (
        DemoEvidence(
            "okta-authentication-policy.png",
            "Okta authentication policy: MFA for everyone",
            ("ACC-04",),
            Screenshot(
                "Okta Admin Console — Security › Authentication policies",
                "Authentication policy: All Larkspur staff",
                (
                    ("Applies to", "Everyone (24 people)"),
                    ("Factor required", "Okta Verify or security key, every sign-in"),
                    ("Passwords alone", "Not allowed"),
                    ("Session lifetime", "12 hours"),
                    ("Last changed", (dates.period_start - timedelta(days=90)).isoformat()),
                ),
                caption.format(day=dates.day(12).isoformat()),
            ),
            dates.day(12),
            as_of=dates.day(12),
            source_system="Okta",
        ),
        DemoEvidence(
            "github-branch-protection.png",
            "GitHub branch protection on main",
            ("CHG-01", "CHG-02"),
            Screenshot(
                "GitHub — larkspur/insights › Settings › Branches",
                "Branch protection rule: main",
                (
                    ("Require a pull request before merging", "On, 1 approval"),
                    ("Dismiss stale approvals", "On"),
                    ("Require status checks to pass", "On: build, tests, security-scan"),
                    ("Allow force pushes", "Off"),
                    ("Apply to administrators", "On"),
                ),
                caption.format(day=dates.day(12).isoformat()),
            ),
            dates.day(12),
            as_of=dates.day(12),
            source_system="GitHub",
        ),
        DemoEvidence(
            "aws-backup-plan.png",
            "AWS Backup plan for production",
            ("BCP-01",),
            Screenshot(
                "AWS Backup — Backup plans › production-daily",
                "Backup plan: production-daily",
                (
                    ("Resources", "Event store, dashboard database, export bucket"),
                    ("Schedule", "Every day at 02:00 UTC"),
                    ("Retention", "35 days, copied to a second region"),
                    ("Encryption", "AWS KMS key larkspur-backup"),
                    ("Last job", f"{dates.day(14).isoformat()} 02:41 UTC — Completed"),
                ),
                caption.format(day=dates.day(15).isoformat()),
            ),
            dates.day(15),
            as_of=dates.day(15),
            source_system="AWS Backup",
        ),
    )


def _lists(dates: DemoDates, engagement: str) -> tuple[DemoEvidence, ...]:
    """System-generated lists (users, leavers, privileged access, deployments), as CSV files."""
    first = _month_span(dates.period_start)
    second = _month_span(first[1] + timedelta(days=1))
    review_day = dates.day(10)
    return (
        DemoEvidence(
            "okta-users-quarterly-review.csv",
            "Quarterly user access review (Okta)",
            ("ACC-03",),
            _users(dates, engagement, review_day),
            review_day,
            covers_from=dates.prior_end - timedelta(days=91),
            covers_to=dates.prior_end,
            source_system="Okta",
        ),
        DemoEvidence(
            "leavers-and-access-removal.csv",
            "Leavers and the day their access ended",
            ("ACC-02",),
            _leavers(dates, engagement),
            dates.through,
            covers_from=dates.period_start,
            covers_to=dates.through,
            source_system="BambooHR",
        ),
        *(
            DemoEvidence(
                f"privileged-access-review-{span[0]:%Y-%m}.csv",
                f"Privileged access review, {_month(span[0])}",
                ("ACC-06",),
                _privileged(engagement, span),
                span[1] + timedelta(days=3),
                covers_from=span[0],
                covers_to=span[1],
                source_system="AWS IAM Identity Center",
            )
            for span in (first, second)
        ),
        *(
            DemoEvidence(
                f"deployments-{span[0]:%Y-%m}.csv",
                f"Deployments checked against approved changes, {_month(span[0])}",
                ("CHG-08",),
                _deployments(engagement, span),
                span[1] + timedelta(days=2),
                covers_from=span[0],
                covers_to=span[1],
                source_system="GitHub Actions",
            )
            for span in (first, second)
        ),
    )


def _records_of_the_period(dates: DemoDates, engagement: str) -> tuple[DemoEvidence, ...]:
    """The records that evidence a few criteria in full so far (network, capacity, risk, board,
    customer data deletion): the evidenced measure shows on Readiness next to the designed one."""
    caption = f"Captured {{day}} by Lena Park for “{engagement}”"
    risk_day, board_day = dates.day(20), dates.day(44)
    record = (("Engagement", engagement),)
    return (
        DemoEvidence(
            "aws-production-network.png",
            "Production network: private subnets and security groups",
            ("NET-01",),
            Screenshot(
                "AWS VPC console — Your VPCs › larkspur-prod",
                "VPC: larkspur-prod (10.20.0.0/16)",
                (
                    ("Private subnets", "Application, database and workers: no route to the internet"),
                    ("Public subnets", "Load balancer only"),
                    ("Database security group", "Port 5432 from the application subnets only"),
                    ("SSH from the internet", "None: sessions through AWS Systems Manager"),
                    ("Defined in", "Terraform, larkspur/infrastructure › network/prod"),
                ),
                caption.format(day=dates.day(16).isoformat()),
            ),
            dates.day(16),
            as_of=dates.day(16),
            source_system="AWS",
        ),
        DemoEvidence(
            "capacity-alerts.png",
            "Capacity alerts and autoscaling for production",
            ("AV-01",),
            Screenshot(
                "Grafana — Alerting › Alert rules › production",
                "Capacity alert rules: production",
                (
                    ("CPU above 75% for 10 minutes", "Pages the on-call engineer"),
                    ("Database connections above 80%", "Pages the on-call engineer"),
                    ("Disk above 80%", "Ticket to the platform team"),
                    ("Event queue older than 5 minutes", "Pages the on-call engineer"),
                    ("Autoscaling", "API 3 to 12 tasks, workers 2 to 10 tasks"),
                ),
                caption.format(day=dates.day(18).isoformat()),
            ),
            dates.day(18),
            as_of=dates.day(18),
            source_system="Grafana",
        ),
        DemoEvidence(
            f"risk-assessment-{risk_day.year}.pdf",
            f"Risk assessment {risk_day.year}, approved by the CEO",
            ("RSK-01",),
            PolicyFile(
                RISK_ASSESSMENT,
                (("Workshop", risk_day.isoformat()), ("Approved", risk_day.isoformat()), *record),
            ),
            risk_day,
            as_of=risk_day,
            source_system="Google Workspace",
        ),
        DemoEvidence(
            f"board-minutes-{board_day.isoformat()}.pdf",
            "Board minutes: security, risk and compliance",
            ("GOV-02",),
            PolicyFile(BOARD_MINUTES, (("Meeting", board_day.isoformat()), *record)),
            board_day,
            as_of=board_day,
            source_system="Google Workspace",
        ),
        DemoEvidence(
            "customer-data-deletions.csv",
            "Customer data deleted at the end of contracts",
            ("AST-06",),
            _deletions(dates, engagement),
            dates.through,
            covers_from=dates.period_start,
            covers_to=dates.through,
            source_system="Jira",
        ),
    )


def _deletions(dates: DemoDates, engagement: str) -> CsvFile:
    customers = (("Quillon Freight", 3, "DEL-41"), ("Alder & Moss Retail", 20, "DEL-42"))
    rows = tuple(
        (
            ticket,
            customer,
            dates.day(offset).isoformat(),
            dates.day(offset + 30).isoformat(),
            dates.day(offset + 31).isoformat(),
            "Noah Fischer",
        )
        for customer, offset, ticket in customers
    )
    return CsvFile(
        _stamp(dates.through, engagement, "Jira", "customer data deletion tickets"),
        ("Ticket", "Customer", "Contract ended", "Data deleted", "Customer told", "Deleted by"),
        rows,
    )


RISK_ASSESSMENT = """# Risk assessment

## How it was done

The IT manager led a half-day workshop with the CTO, the CFO and the head of people. We listed what \
could harm the service or customer data, rated each risk's likelihood and impact from 1 to 5, and \
chose a treatment and an owner for every risk scored 9 or more.

## Risks above the line

| Risk | Score | Treatment | Owner |
|---|---|---|---|
| A leaver keeps access to production | 12 | Same-day removal checked every month | IT manager |
| A change reaches production without review | 10 | Branch protection and a monthly check | CTO |
| The event store is lost | 10 | Daily backups copied to a second region | Head of platform |
| A vendor leaks customer data | 9 | Yearly vendor review of SOC reports | Head of security |

## Decision

The CEO accepted the treatments and the remaining risk on the day of the workshop.
"""

BOARD_MINUTES = """# Board meeting: minutes

## Present

Maya Chen (CEO), Amara Osei (CTO), Samuel Adeyemi (CFO), and the two independent directors.

## Security, risk and compliance

- The IT manager presented this year's risk assessment and its treatments; the board accepted them.
- One incident since the last meeting: a delayed alert on the export queue, resolved within the day.
- The SOC 2 review period is under way. Our own checks found one exception, a leaver whose access \
was removed six days late; its remediation is in hand.

## Decisions

1. Approve the risk treatments as presented.
2. Review the exception and its remediation at the next meeting.
"""


# Policies and the people who acknowledge them -----------------------------------------------------

POLICY_ANSWERS = {
    "cloud_provider": "Amazon Web Services",
    "identity_provider": "Okta",
    "ticketing_tool": "Jira",
    "code_hosting": "GitHub",
    "hr_system": "BambooHR",
    "device_management": "Jamf",
    "security_contact": "security@larkspur.example",
    "security_owner": "Head of Security",
    "policy_approver": "CEO",
    "people_owner": "Head of People",
    "engineering_owner": "CTO",
    "privacy_owner": "Head of Security",
    "review_cadence": "annual",
}
"""The demo company's answers to the policy questionnaire (its name comes from the engagement)."""

POLICY_APPROVER = "Maya Chen, CEO"
DRAFT_POLICY = "physical-security"
"""The one policy the demo leaves in draft: the office move is not settled, so Readiness shows the gap."""

NEW_STARTERS = (("Nora Lind", 25), ("Lucas Silva", 50))
"""Who joined during the period (name, days into it); the last has not acknowledged the policies yet."""


def policies_approved_on(dates: DemoDates) -> date:
    """The day the CEO approved this year's policies, three weeks before the period began."""
    return dates.period_start - timedelta(days=20)


def demo_staff(dates: DemoDates) -> tuple[StaffRow, ...]:
    """The staff list: everyone on :data:`STAFF`, the new starters with their start dates."""
    joined = dict(NEW_STARTERS)
    return tuple(
        StaffRow(
            email=_email(name),
            name=name,
            role=role,
            start_date=dates.day(joined[name])
            if name in joined
            else date(2021 + index % 4, 1 + index % 12, 1),
        )
        for index, (name, _team, role) in enumerate(STAFF)
    )


def demo_acknowledgements(
    dates: DemoDates, policies: tuple[tuple[str, str], ...]
) -> tuple[AcknowledgementRow, ...]:
    """Each person's acknowledgement of every approved policy (*policies*: key and version): within a
    week of approval, or two days after a new starter's first day; the last new starter has not yet."""
    approved = policies_approved_on(dates)
    rows: list[AcknowledgementRow] = []
    for index, person in enumerate(demo_staff(dates)):
        if person.name == NEW_STARTERS[-1][0]:
            continue
        assert person.start_date is not None
        day = (
            person.start_date + timedelta(days=2)
            if person.start_date > approved
            else approved + timedelta(days=1 + index % 6)
        )
        rows.extend(AcknowledgementRow(key, version, person.email, day) for key, version in policies)
    return tuple(rows)


# The auditor's request list ----------------------------------------------------------------------

REQUEST_COLUMNS = (
    "Request ID",
    "Request",
    "Criteria",
    "Control reference",
    "Request type",
    "Period",
    "Due date",
    "Status",
    "Auditor comments",
)


SAMPLED_REQUEST = "PBC-05"
"""The request the demo auditor selected samples for: the monthly privileged access reviews."""


def request_samples(dates: DemoDates) -> tuple[tuple[str, str, date], ...]:
    """The auditor's selections for :data:`SAMPLED_REQUEST`: the reviews of the period's first two months."""
    second = _month_end(dates.period_start.year, dates.period_start.month) + timedelta(days=1)
    return tuple(
        (str(number), f"Privileged access review, {day:%B %Y}", _month_end(day.year, day.month))
        for number, day in enumerate((dates.period_start, second), 1)
    )


def request_list(dates: DemoDates) -> tuple[tuple[str, ...], ...]:
    """The demo auditor's request list for this year's fieldwork: populations first, then samples."""
    period = f"{dates.period_start.isoformat()} to {dates.through.isoformat()}"
    due = (dates.today + timedelta(days=14)).isoformat()
    return (
        ("PBC-01", "Population of all employees who left, with last working day and access removal date.",
         "CC6.2, CC6.3", "ACC-02", "Population", period, due, "Open", ""),
        ("PBC-02", "Population of all production deployments with the approving reviewer.",
         "CC8.1", "CHG-01, CHG-08", "Population", period, due, "Open", ""),
        ("PBC-03", "Information security policy in force, with evidence of approval.",
         "CC5.2, CC5.3", "POL-01", "Policy", period, due, "Open", ""),
        ("PBC-04", "Screenshot of the authentication policy enforcing MFA for all staff.",
         "CC6.1", "ACC-04", "Screenshot", period, due, "Open", ""),
        ("PBC-05", "Evidence of the monthly privileged access reviews for the samples selected.",
         "CC6.3", "ACC-06", "Sample", period, due, "Open", "Samples: the first two months."),
        ("PBC-06", "Backup configuration and the latest restore test.",
         "A1.2, A1.3", "BCP-01, BCP-02", "Screenshot", period, due, "Open", ""),
    )  # fmt: skip
