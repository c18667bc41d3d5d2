"""The scoping decision: which SOC reports, which type, which categories, which period, and why.

:func:`recommend` takes the answers to the scoping questions and the day they
are given, and returns a :class:`Recommendation`. The rules are the contract
(see the module tests); refinements may add warnings or rationale but never
change reports, type or categories.

- ``reports`` is what the answers make necessary: SOC 1 when the service
  affects customers' financial reporting or a customer asked for one; SOC 2
  when a customer asked for a SOC 2 or SOC 3, or when the company holds or
  reaches customer data and customers did not ask only for a SOC 1. A report
  already issued is renewed. An IPO alone, or customer data when customers
  asked only for a SOC 1, goes into ``consider``.
- A renewal is a Type 2 that starts the day after the last report's period
  ended (12 months after a Type 2), so coverage is continuous. A first Type 2
  is 6 months where the deadline allows, never under 3; it may start in the
  past, no earlier than the month the controls began, when they kept evidence.
- Only a renewal ever mentions a bridge letter: a company without a report
  has nothing to bridge.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain.periods import (
    add_months,
    check_period,
    describe_period,
    format_day,
    format_month,
    months_between,
    parse_day,
    period_end,
)
from app.domain.vocab import CATEGORIES, REPORT_KINDS, REPORT_TYPES
from app.domain.wording import counted

REQUESTABLE_REPORTS = ("SOC 1", "SOC 2", "SOC 3")
FIRST_TYPE2_MONTHS = 6
MIN_TYPE2_MONTHS = 3
MAX_TYPE2_MONTHS = 12
RENEWAL_MONTHS = 12
REPORT_LAG_MONTHS = 2
"""Months between the end of a review period (or the as-of date) and a report in hand."""


@dataclass(frozen=True, slots=True)
class Question:
    """One scoping question: its answer key, type, wording and help for an IT manager."""

    key: str
    kind: type
    text: str
    help: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        "financial_reporting_impact",
        bool,
        "Does your service affect your customers' financial statements?",
        "Yes if you do payroll processing, claims and benefits processing, billing and revenue "
        "services, custody and fund administration, or hosting of customers' financial systems (the "
        "system your customers keep their books in). Their auditors then need comfort about your "
        "controls.",
    ),
    Question(
        "customer_data",
        bool,
        "Do you store, process or have access to your customers' data, of any kind?",
        "Most SaaS, hosting, IT support and data-processing companies do: any customer records, files "
        "or systems you can reach count, financial or not.",
    ),
    Question(
        "customers_requested",
        list,
        "Which reports have customers or prospects asked for?",
        "Look at security questionnaires, contract clauses and procurement emails. A SOC 3 is a short "
        "public version of a SOC 2, made from the same audit.",
    ),
    Question(
        "prior_report",
        dict,
        "Has a SOC report already been issued for this system? If so, which one, which type, and on "
        "what day did its period end?",
        "Give the latest report only: SOC 1 or SOC 2, Type 1 or Type 2, and the last day it covers (for "
        "a Type 1, its as-of date). The next report starts the day after, so customers are never left "
        "without cover. Leave it empty if this is your first report.",
    ),
    Question(
        "ipo_planned",
        bool,
        "Are you preparing for an IPO, or to be acquired by a public company?",
        "Going public means proving your own financial controls work, which is a separate exercise. A "
        "SOC 1 on your service matters only if it touches customers' books or investors ask for one, "
        "so the advice lists it as something to consider rather than a must.",
    ),
    Question(
        "availability_commitments",
        bool,
        "Do you promise customers uptime or availability (SLAs)?",
        "Yes if contracts or your website commit to an uptime figure, response times or recovery "
        "times, or if customers depend on you being up to run their business.",
    ),
    Question(
        "confidential_data",
        bool,
        "Do customers entrust you with information they designate confidential?",
        "For example contracts, NDAs, intellectual property, financial plans or designs that you must "
        "protect and delete when asked.",
    ),
    Question(
        "processing_integrity",
        bool,
        "Do customers rely on your system to process transactions or calculations completely, "
        "accurately and on time?",
        "Yes for payment processing, billing runs, claims, order handling or calculations customers "
        "act on without re-checking.",
    ),
    Question(
        "personal_information",
        bool,
        "Do you collect or use personal information of individuals directly, under a privacy notice?",
        "Yes if end users or consumers give you their data under your own privacy notice. If you only "
        "process personal data on your customers' behalf, Security and Confidentiality usually "
        "cover it.",
    ),
    Question(
        "controls_operating_months",
        int,
        "For how many months have your documented controls been operating?",
        "Count from when written policies were in force and the controls (access reviews, change "
        "approvals, backups...) started leaving evidence. Enter 0 if they are not in place yet.",
    ),
    Question(
        "evidence_kept",
        bool,
        "Can you show evidence of your controls for every month they have operated?",
        "For example approved access requests, signed-off reviews, change tickets and backup logs, "
        "each with its date. If you can, the review period may start in the past, from the month the "
        "controls began, and the report arrives sooner.",
    ),
    Question(
        "report_needed_within_months",
        int,
        "Within how many months do you need a report in hand?",
        "The date a customer or deal needs it. Leave empty if there is no deadline yet.",
    ),
    Question(
        "customers_require_type2",
        bool,
        "Do customers require evidence that controls worked over a period (Type 2)?",
        "Many enterprise customers accept a Type 1 only as a first step and ask for a Type 2, which "
        "shows controls operated over several months.",
    ),
)
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


class AnswersError(ValueError):
    """The answers cannot be read; the message names the key."""


def _months(count: int) -> str:
    return counted(count, "month")


@dataclass(frozen=True, slots=True)
class PriorReport:
    """The latest report issued for the system: which, which type, and the last day it covered."""

    report: str
    report_type: str
    period_end: date

    @classmethod
    def from_mapping(cls, data: Any) -> "PriorReport":
        """The report from ``{"report": "SOC 2", "type": "Type 2", "period_end": "2026-06-30"}``.

        Anything else raises :class:`AnswersError` naming the key.
        """
        if not isinstance(data, dict) or set(data) != {"report", "type", "period_end"}:
            raise AnswersError(
                'prior_report: expected {"report": ..., "type": ..., "period_end": "YYYY-MM-DD"} or null, '
                f"got {data!r}"
            )
        if data["report"] not in REPORT_KINDS:
            raise AnswersError(f'prior_report: the report is "SOC 1" or "SOC 2", not {data["report"]!r}')
        if data["type"] not in REPORT_TYPES:
            raise AnswersError(f'prior_report: the type is "Type 1" or "Type 2", not {data["type"]!r}')
        try:
            end = parse_day(str(data["period_end"]))
        except ValueError as error:
            raise AnswersError(f"prior_report: {error}") from None
        return cls(data["report"], data["type"], end)

    def as_dict(self) -> dict[str, str]:
        return {"report": self.report, "type": self.report_type, "period_end": self.period_end.isoformat()}

    def describe(self) -> str:
        """``SOC 2 Type 2 for the period ended 30 Jun 2026`` or ``SOC 2 Type 1 as of 31 Mar 2026``."""
        if self.report_type == "Type 1":
            return f"{self.report} Type 1 as of {format_day(self.period_end)}"
        return f"{self.report} Type 2 for the period ended {format_day(self.period_end)}"


@dataclass(frozen=True, slots=True)
class Answers:
    """The user's answers; a missing boolean means "no", a missing number or report "unknown" / "none"."""

    financial_reporting_impact: bool = False
    customer_data: bool = False
    customers_requested: tuple[str, ...] = ()
    prior_report: PriorReport | None = None
    ipo_planned: bool = False
    availability_commitments: bool = False
    confidential_data: bool = False
    processing_integrity: bool = False
    personal_information: bool = False
    controls_operating_months: int | None = None
    evidence_kept: bool = False
    report_needed_within_months: int | None = None
    customers_require_type2: bool = False

    @classmethod
    def from_mapping(cls, data: Any) -> "Answers":
        """Answers from JSON-like data; unknown keys or wrong types raise :class:`AnswersError`.

        Keys left out take their default, so answer files written before a
        question existed still load.
        """
        if not isinstance(data, dict):
            raise AnswersError("the answers must be a JSON object of question keys and answers")
        values: dict[str, Any] = {}
        for key, value in data.items():
            question = QUESTIONS_BY_KEY.get(key)
            if question is None:
                raise AnswersError(f"unknown answer key {key!r}")
            if value is None:
                continue
            if question.kind is bool:
                if not isinstance(value, bool):
                    raise AnswersError(f"{key}: expected true or false, got {value!r}")
            elif question.kind is int:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise AnswersError(f"{key}: expected a whole number of months (0 or more), got {value!r}")
            elif question.kind is dict:
                value = PriorReport.from_mapping(value)
            else:
                if not isinstance(value, list) or any(item not in REQUESTABLE_REPORTS for item in value):
                    accepted = ", ".join(f'"{report}"' for report in REQUESTABLE_REPORTS)
                    raise AnswersError(f"{key}: expected a list of {accepted}, got {value!r}")
                value = tuple(report for report in REQUESTABLE_REPORTS if report in value)
            values[key] = value
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready answers (every key; unknown numbers and no prior report as ``None``)."""
        values: dict[str, Any] = {}
        for question in QUESTIONS:
            value = getattr(self, question.key)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, PriorReport):
                value = value.as_dict()
            values[question.key] = value
        return values


def report_deadline(answers: Answers, answered_on: date) -> date | None:
    """The day a report is needed by, counted from the day the answers were given (``None``: no deadline)."""
    months = answers.report_needed_within_months
    return None if months is None else add_months(answered_on, months)


@dataclass(frozen=True, slots=True)
class Reason:
    """One rationale sentence, the decision it explains and the answers that drove it."""

    decision: str
    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Consideration:
    """A report worth raising with customers or advisers that nothing in the answers makes necessary."""

    report: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"report": self.report, "reason": self.reason}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Which reports, which type, which categories, which period, and why.

    ``period_start`` and ``period_end`` are the suggested review period of a
    Type 2 (``observation_months`` long), ``as_of`` the date of a Type 1;
    ``renewal`` says the report continues one already issued.
    """

    reports: tuple[str, ...]
    report_type: str
    then_type2: bool
    categories: tuple[str, ...]
    observation_months: int | None
    reasons: tuple[Reason, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    consider: tuple[Consideration, ...] = field(default=())
    period_start: date | None = None
    period_end: date | None = None
    as_of: date | None = None
    renewal: bool = False

    @property
    def rationale(self) -> tuple[str, ...]:
        return tuple(reason.text for reason in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the recommendation's public keys, JSON-ready (dates as ``YYYY-MM-DD``)."""
        return {
            "reports": list(self.reports),
            "report_type": self.report_type,
            "then_type2": self.then_type2,
            "categories": list(self.categories),
            "observation_months": self.observation_months,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "as_of": _iso(self.as_of),
            "renewal": self.renewal,
            "consider": [item.as_dict() for item in self.consider],
            "rationale": list(self.rationale),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Recommendation":
        """The stored form back (rationale lines without their answer keys).

        Dictionaries stored before the dated advice existed read back with no
        dates, nothing to consider and no renewal.
        """
        return cls(
            reports=tuple(data["reports"]),
            report_type=data["report_type"],
            then_type2=bool(data["then_type2"]),
            categories=tuple(data["categories"]),
            observation_months=data["observation_months"],
            reasons=tuple(Reason("", text, ()) for text in data["rationale"]),
            warnings=tuple(data["warnings"]),
            consider=tuple(Consideration(c["report"], c["reason"]) for c in data.get("consider", ())),
            period_start=_day(data.get("period_start")),
            period_end=_day(data.get("period_end")),
            as_of=_day(data.get("as_of")),
            renewal=bool(data.get("renewal", False)),
        )


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _only_soc1_asked(answers: Answers) -> bool:
    return answers.customers_requested == ("SOC 1",)


def _renews(answers: Answers, report: str) -> bool:
    return answers.prior_report is not None and answers.prior_report.report == report


def _soc1(answers: Answers) -> tuple[bool, Reason]:
    drivers = []
    if answers.financial_reporting_impact:
        drivers.append(("financial_reporting_impact", "your service affects customers' financial statements"))
    if "SOC 1" in answers.customers_requested:
        drivers.append(("customers_requested", "customers asked for a SOC 1"))
    if _renews(answers, "SOC 1"):
        drivers.append(("prior_report", "your last report, a SOC 1, is due for renewal"))
    if drivers:
        text = f"SOC 1, because {_join([d[1] for d in drivers])}."
        return True, Reason("reports", text, tuple(d[0] for d in drivers))
    text = (
        "No SOC 1: your service does not affect customers' financial statements and no customer asked "
        "for one."
    )
    return False, Reason("reports", text, ("financial_reporting_impact", "customers_requested"))


def _soc2(answers: Answers) -> tuple[bool, Reason]:
    drivers = []
    if answers.customer_data and not _only_soc1_asked(answers):
        drivers.append(("customer_data", "you hold or can reach customer data"))
    asked = [report for report in ("SOC 2", "SOC 3") if report in answers.customers_requested]
    if asked:
        drivers.append(("customers_requested", f"customers asked for a {' and a '.join(asked)}"))
    if _renews(answers, "SOC 2"):
        drivers.append(("prior_report", "your last report, a SOC 2, is due for renewal"))
    if drivers:
        text = f"SOC 2, because {_join([d[1] for d in drivers])}."
        return True, Reason("reports", text, tuple(d[0] for d in drivers))
    if answers.customer_data:
        text = (
            "No SOC 2 for now: you hold or reach customer data, but customers asked only for a SOC 1. A "
            "SOC 2 is listed as worth considering."
        )
        return False, Reason("reports", text, ("customer_data", "customers_requested"))
    text = "No SOC 2: you do not hold or reach customer data and no customer asked for a SOC 2 or SOC 3."
    return False, Reason("reports", text, ("customer_data", "customers_requested"))


IPO_SOC1_REASON = (
    "A SOC 1 reports on the controls at a service organization that matter to its customers' financial "
    "statements, so that the customers' auditors can rely on them. Preparing for an IPO or a sale to a "
    "public company does not call for one by itself: your own financial controls are a separate "
    "readiness exercise before listing, and you will collect SOC 1 reports from your own service "
    "providers. Raise a SOC 1 on your service with your advisers if customers use it for their "
    "financial reporting, if customers or their auditors start asking for one, or if investors or an "
    "acquirer ask for it in due diligence."
)
SOC1_ONLY_SOC2_REASON = (
    "Customers asked only for a SOC 1, which covers controls over their financial reporting. You also "
    "hold or reach customer data, which a SOC 1 does not cover: other customers and prospects are likely "
    "to ask for a SOC 2 on its security. Ask your customers whether they need one before scoping it."
)


def _considerations(answers: Answers, soc1: bool, soc2: bool) -> list[Consideration]:
    consider = []
    if answers.ipo_planned and not soc1:
        consider.append(Consideration("SOC 1", IPO_SOC1_REASON))
    if answers.customer_data and _only_soc1_asked(answers) and not soc2:
        consider.append(Consideration("SOC 2", SOC1_ONLY_SOC2_REASON))
    return consider


OPTIONAL_CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "Availability",
        "availability_commitments",
        "Availability, because you promise customers uptime.",
        "No Availability: you make no uptime commitments to customers.",
    ),
    (
        "Confidentiality",
        "confidential_data",
        "Confidentiality, because customers entrust you with information they designate confidential.",
        "No Confidentiality: customers do not hand you information they designate confidential.",
    ),
    (
        "Processing Integrity",
        "processing_integrity",
        "Processing Integrity, because customers rely on your processing being complete, accurate "
        "and on time.",
        "No Processing Integrity: customers do not rely on your system to process transactions for them.",
    ),
    (
        "Privacy",
        "personal_information",
        "Privacy, because you collect personal information of individuals directly under a privacy notice.",
        "No Privacy: you do not collect personal information directly under your own privacy notice.",
    ),
)


def _categories(answers: Answers, soc2_reason: Reason) -> tuple[list[str], list[Reason], list[str]]:
    categories = ["Security"]
    reasons = [Reason("categories", "Security, because every SOC 2 covers it.", soc2_reason.answers)]
    warnings = []
    for category, key, included, excluded in OPTIONAL_CATEGORIES:
        if getattr(answers, key):
            categories.append(category)
            reasons.append(Reason("categories", included, (key,)))
        else:
            reasons.append(Reason("categories", excluded, (key,)))
    if "Processing Integrity" in categories:
        warnings.append(
            "Processing Integrity widens the scope: 5 more criteria about complete, accurate and "
            "timely processing, tested transaction by transaction. Include it only if customers "
            "rely on it."
        )
    if "Privacy" in categories:
        warnings.append(
            "Privacy widens the scope considerably: 18 more criteria covering notice, consent, "
            "access requests, disclosures and breach notification. It is the least common category."
        )
    return categories, reasons, warnings


def _report_type(answers: Answers) -> tuple[str, bool, Reason]:
    prior = answers.prior_report
    months = answers.controls_operating_months
    if prior is not None:
        if prior.report_type == "Type 2":
            text = (
                f"Type 2 again: your last report ({prior.describe()}) is renewed each year with a Type 2 "
                "covering the next 12 months."
            )
        else:
            text = (
                f"Type 2 next: your last report ({prior.describe()}) showed the design of your controls "
                "on one day; the next one shows them working over a period."
            )
        return "Type 2", False, Reason("report_type", text, ("prior_report",))
    if answers.customers_require_type2:
        text = "Type 2, because customers require evidence that controls worked over a period."
        return "Type 2", False, Reason("report_type", text, ("customers_require_type2",))
    if months is not None and months >= MIN_TYPE2_MONTHS:
        text = (
            f"Type 2, because your controls have operated for {_months(months)}, enough to show them "
            "working over a period."
        )
        return "Type 2", False, Reason("report_type", text, ("controls_operating_months",))
    if months is None:
        operated = "have not been shown to operate for 3 months"
    elif months == 0:
        operated = "are not operating yet"
    else:
        operated = f"have operated for only {_months(months)}"
    text = (
        f"Type 1 now and a Type 2 afterwards, because your controls {operated} and no customer requires "
        "a Type 2 yet."
    )
    return (
        "Type 1",
        True,
        Reason("report_type", text, ("controls_operating_months", "customers_require_type2")),
    )


# --- dates ---------------------------------------------------------------------------------


def future_start(today: date) -> date:
    """Where a review period that cannot reach into the past starts.

    The first day of a month at least a month away (12 Mar -> 1 May, 1 Mar -> 1 Apr): the time to
    finish the control matrix before the period starts is never a matter of days.
    """
    month_on = add_months(today, 1)
    return month_on if month_on.day == 1 else add_months(month_on.replace(day=1), 1)


def report_in_hand(last_day: date, today: date) -> date:
    """About when a report is in hand: :data:`REPORT_LAG_MONTHS` after its last day, or after today if
    that day has passed (the audit cannot start earlier)."""
    return add_months(max(last_day, today), REPORT_LAG_MONTHS)


@dataclass(frozen=True, slots=True)
class _Period:
    """A suggested Type 2 review period with the reasons and warnings about it."""

    start: date
    end: date
    reasons: tuple[Reason, ...]
    warnings: tuple[str, ...]

    @property
    def months(self) -> int:
        return months_between(self.start, self.end)


def _fitting_length(start: date, longest: int, deadline: date | None, today: date) -> tuple[int, bool]:
    """The longest period from *start* (between the minimum and *longest* months) whose report is in
    hand by *deadline*; when none is, the one in hand soonest (the longest of those) and ``False``."""
    lengths = range(longest, MIN_TYPE2_MONTHS - 1, -1)
    if deadline is None:
        return longest, True
    for months in lengths:
        if report_in_hand(period_end(start, months), today) <= deadline:
            return months, True
    soonest = min(report_in_hand(period_end(start, months), today) for months in lengths)
    return next(m for m in lengths if report_in_hand(period_end(start, m), today) == soonest), False


def _first_type2(answers: Answers, today: date) -> _Period:
    """The review period of a first Type 2 (no report issued yet)."""
    operated = answers.controls_operating_months
    deadline = report_deadline(answers, today)
    this_month = today.replace(day=1)
    past = answers.evidence_kept and operated is not None and operated >= 1
    if past:
        assert operated is not None
        began = add_months(this_month, -operated)
        start = max(began, add_months(this_month, -FIRST_TYPE2_MONTHS))
    else:
        start = future_start(today)
    months, fits = _fitting_length(start, FIRST_TYPE2_MONTHS, deadline, today)
    end = period_end(start, months)
    in_hand = report_in_hand(end, today)
    keys = ("controls_operating_months", "evidence_kept", "report_needed_within_months")
    span = f"A {months}-month review period from {format_day(start)} to {format_day(end)}"
    if past:
        assert operated is not None
        why = (
            f"it starts in the past because your controls have operated for {_months(operated)} and kept "
            f"evidence the auditor can test, so the report can be in hand about {format_month(in_hand)}"
        )
    elif operated:
        why = (
            f"it cannot start in the past: your controls have operated for {_months(operated)}, but "
            "without evidence of those months an auditor could test"
        )
    else:
        why = "it starts once your controls are running and keeping their evidence"
    texts = [f"{span}: {why}."]
    warnings: list[str] = []
    if deadline is None:
        texts.append(f"{FIRST_TYPE2_MONTHS} months is usual for a first Type 2; you gave no deadline.")
    elif fits and months == FIRST_TYPE2_MONTHS:
        texts.append(
            f"{FIRST_TYPE2_MONTHS} months is usual for a first Type 2 and fits your deadline of "
            f"{format_day(deadline)}, with about {REPORT_LAG_MONTHS} months kept for the audit and report."
        )
    elif fits:
        texts.append(
            f"It is the longest period your deadline of {format_day(deadline)} allows once about "
            f"{REPORT_LAG_MONTHS} months are kept for the audit and report."
        )
    else:
        texts.append(f"It is the period whose report is in hand soonest, about {format_month(in_hand)}.")
        warnings.append(
            f"A Type 2 cannot be in hand by {format_day(deadline)}: even this period leaves the report "
            f"about {format_day(in_hand)}, because the audit and report take about "
            f"{REPORT_LAG_MONTHS} months after the period ends. Ask the customer whether a Type 1 would "
            "do for now, or ask your auditor for a readiness assessment of your controls in the meantime."
        )
    reasons = tuple(Reason("observation_months", text, keys) for text in texts)
    return _Period(start, end, reasons, tuple(warnings))


def _renewal_start(prior: PriorReport, months: int, evidence_kept: bool, today: date) -> tuple[date, str]:
    """Where the next period starts, and why it leaves a stretch uncovered (empty when it does not)."""
    continuous = prior.period_end + timedelta(days=1)
    if continuous >= today:
        return continuous, ""
    if not evidence_kept:
        cause = "the controls did not keep evidence of those months that an auditor could test"
        return future_start(today), cause
    latest = add_months(today.replace(day=1), -months)
    if continuous >= latest:
        return continuous, ""
    return latest, f"your last report ended more than {_months(months)} ago"


def _renewal(answers: Answers, prior: PriorReport, today: date) -> _Period:
    """The review period continuing *prior*: 12 months after a Type 2, a first Type 2 after a Type 1."""
    after_type2 = prior.report_type == "Type 2"
    longest = RENEWAL_MONTHS if after_type2 else FIRST_TYPE2_MONTHS
    deadline = report_deadline(answers, today)
    continuous = prior.period_end + timedelta(days=1)
    start, gap_cause = _renewal_start(prior, longest, answers.evidence_kept, today)
    months = longest if after_type2 else _fitting_length(start, longest, deadline, today)[0]
    end = period_end(start, months)
    in_hand = report_in_hand(end, today)
    keys = ("prior_report", "evidence_kept", "report_needed_within_months")
    texts = [
        f"A {months}-month review period from {format_day(start)} to {format_day(end)}"
        + (
            ", starting the day after your last report's period, so customers are covered without a break."
            if start == continuous
            else "."
        ),
        f"Until the new report is in hand (about {format_month(in_hand)}), customers asking for current "
        "assurance can be given a bridge letter: signed by management, it covers from "
        f"{format_day(continuous)} to their date and states whether anything material changed.",
    ]
    warnings = []
    if gap_cause:
        warnings.append(
            f"From {format_day(continuous)} to {format_day(start - timedelta(days=1))} no report would "
            f"cover your controls, because {gap_cause}. Tell customers about the gap; a bridge letter can "
            "describe it but does not replace a report."
        )
    if deadline is not None and in_hand > deadline:
        warnings.append(
            f"The new report will be in hand about {format_day(in_hand)}, after your deadline of "
            f"{format_day(deadline)}: give the customer a bridge letter covering from "
            f"{format_day(continuous)} to that date."
        )
    reasons = tuple(Reason("observation_months", text, keys) for text in texts)
    return _Period(start, end, reasons, tuple(warnings))


def type1_as_of(today: date) -> date:
    """The as-of date of a Type 1: the last day of next month, leaving a month to put controls in place."""
    return add_months(today.replace(day=1), 2) - timedelta(days=1)


def _type1_warnings(answers: Answers, as_of: date, today: date) -> list[str]:
    warnings = []
    deadline = report_deadline(answers, today)
    in_hand = report_in_hand(as_of, today)
    if deadline is not None and in_hand > deadline:
        warnings.append(
            f"Even a Type 1 as of {format_day(as_of)} is in hand only about {format_day(in_hand)}, after "
            f"your deadline of {format_day(deadline)}: auditors usually need about {REPORT_LAG_MONTHS} "
            "months from the as-of date to the report. Ask the customer whether a later date would do, or "
            "ask your auditor for a readiness assessment now."
        )
    if "SOC 3" in answers.customers_requested:
        warnings.append(
            "Customers asked for a SOC 3. A SOC 3 is issued only from a SOC 2 Type 2, so it follows the "
            "Type 2 that comes after this Type 1, not the Type 1 itself."
        )
    return warnings


@dataclass(frozen=True)
class _Dates:
    """The recommended report dates with their reasons and warnings."""

    start: date | None = None
    end: date | None = None
    months: int | None = None
    as_of: date | None = None
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[str, ...] = ()


def _dates(answers: Answers, report_type: str, today: date) -> _Dates:
    """A Type 2's review period (first or renewal), or a Type 1's as-of date."""
    prior = answers.prior_report
    if report_type == "Type 2":
        period = _renewal(answers, prior, today) if prior else _first_type2(answers, today)
        warnings = list(period.warnings)
        operated = answers.controls_operating_months or 0
        if prior is None and answers.customers_require_type2 and operated < MIN_TYPE2_MONTHS:
            warnings.append(
                "Customers require a Type 2 but your controls have not operated for 3 months yet: put them "
                "in place now; the review period can only cover months in which they leave evidence."
            )
        return _Dates(period.start, period.end, period.months, None, tuple(period.reasons), tuple(warnings))
    as_of = type1_as_of(today)
    reason = Reason(
        "as_of",
        f"A Type 1 as of {format_day(as_of)}, the end of next month, which leaves a month to put "
        "the controls in place.",
        ("controls_operating_months", "report_needed_within_months"),
    )
    return _Dates(as_of=as_of, reasons=(reason,), warnings=tuple(_type1_warnings(answers, as_of, today)))


def recommend(answers: Answers, today: date) -> Recommendation:
    """Apply the scoping rules to *answers* given on *today* (every date is worked out from it)."""
    reasons: list[Reason] = []
    warnings: list[str] = []

    soc1, soc1_reason = _soc1(answers)
    soc2, soc2_reason = _soc2(answers)
    reasons += [soc1_reason, soc2_reason]
    reports = tuple(report for report, wanted in (("SOC 1", soc1), ("SOC 2", soc2)) if wanted)
    consider = _considerations(answers, soc1, soc2)
    if answers.ipo_planned and not soc1:
        reasons.append(
            Reason(
                "reports",
                "Your IPO or sale to a public company does not by itself call for a SOC 1: it is listed as "
                "worth considering, with what to weigh.",
                ("ipo_planned",),
            )
        )
    if "SOC 3" in answers.customers_requested and soc2:
        reasons.append(
            Reason(
                "reports",
                "A SOC 3 was requested: it is a short, general-use version issued from the same SOC 2 "
                "Type 2 audit, so no separate engagement is needed.",
                ("customers_requested",),
            )
        )

    categories: list[str] = []
    if soc2:
        categories, category_reasons, category_warnings = _categories(answers, soc2_reason)
        reasons += category_reasons
        warnings += category_warnings
    if not reports:
        warnings.append(
            "Nothing you answered calls for a SOC report. Check with your sales team whether customers "
            "have asked for one before starting an audit."
        )

    report_type, then_type2, type_reason = _report_type(answers)
    reasons.append(type_reason)
    dates = _dates(answers, report_type, today)
    reasons += dates.reasons
    warnings += dates.warnings
    prior = answers.prior_report
    start, end, observation, as_of = dates.start, dates.end, dates.months, dates.as_of

    return Recommendation(
        reports=reports,
        report_type=report_type,
        then_type2=then_type2,
        categories=tuple(categories),
        observation_months=observation,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        consider=tuple(consider),
        period_start=start,
        period_end=end,
        as_of=as_of,
        renewal=prior is not None,
    )


# --- the scope applied -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """What is applied to the engagement: the recommendation with the user's overrides."""

    reports: tuple[str, ...]
    report_type: str
    categories: tuple[str, ...]
    observation_months: int | None


OVERRIDABLE = ("reports", "report_type", "categories", "observation_months")


def _check_type2_months(months: int) -> None:
    if months < MIN_TYPE2_MONTHS:
        raise ValueError(
            f"a Type 2 review period of {_months(months)} is too short: auditors need at least "
            f"{MIN_TYPE2_MONTHS} months of controls operating to judge whether they work"
        )
    if months > MAX_TYPE2_MONTHS:
        raise ValueError(
            f"a Type 2 review period of {_months(months)} is too long: one report covers at most "
            f"{MAX_TYPE2_MONTHS} months; cover a longer stretch with consecutive reports"
        )


def check_type2_period(start: date, end: date) -> None:
    """Refuse a Type 2 review period under :data:`MIN_TYPE2_MONTHS` or over :data:`MAX_TYPE2_MONTHS` months.

    ``ValueError`` says why (also for a missing date or a start after the end).
    """
    check_period(start, end)
    if end < period_end(start, MIN_TYPE2_MONTHS):
        raise ValueError(
            f"the review period {format_day(start)} to {format_day(end)} is shorter than "
            f"{MIN_TYPE2_MONTHS} months: auditors need at least {MIN_TYPE2_MONTHS} months of controls "
            "operating to judge whether they work"
        )
    if end > period_end(start, MAX_TYPE2_MONTHS):
        raise ValueError(
            f"the review period {format_day(start)} to {format_day(end)} is longer than "
            f"{MAX_TYPE2_MONTHS} months: one report covers at most {MAX_TYPE2_MONTHS} months; cover a "
            "longer stretch with consecutive reports"
        )


def validate_scope(
    reports: tuple[str, ...], report_type: str, categories: tuple[str, ...], observation_months: int | None
) -> Scope:
    """A consistent scope: known values, canonical order, Security exactly when there is a SOC 2,
    a review period of 3 to 12 months for a Type 2 and none for a Type 1."""
    if any(report not in ("SOC 1", "SOC 2") for report in reports):
        raise ValueError("reports must be SOC 1 and/or SOC 2")
    if report_type not in ("Type 1", "Type 2"):
        raise ValueError("the report type must be Type 1 or Type 2")
    if any(category not in CATEGORIES for category in categories):
        raise ValueError(f"categories must be among {', '.join(CATEGORIES)}")
    ordered_reports = tuple(report for report in ("SOC 1", "SOC 2") if report in reports)
    if "SOC 2" in ordered_reports:
        ordered = tuple(c for c in CATEGORIES if c in categories or c == "Security")
    elif categories:
        raise ValueError("Trust Services Categories apply only to a SOC 2")
    else:
        ordered = ()
    months: int | None = None
    if report_type == "Type 2":
        months = observation_months or FIRST_TYPE2_MONTHS
        _check_type2_months(months)
    return Scope(ordered_reports, report_type, ordered, months)


def apply_overrides(recommendation: Recommendation, overrides: Mapping[str, Mapping[str, Any]]) -> Scope:
    """The scope to apply: each override is ``{"value": ..., "reason": "..."}`` and needs a reason."""
    values: dict[str, Any] = {
        "reports": recommendation.reports,
        "report_type": recommendation.report_type,
        "categories": recommendation.categories,
        "observation_months": recommendation.observation_months,
    }
    for key, override in overrides.items():
        if key not in OVERRIDABLE:
            raise ValueError(f"{key} cannot be overridden")
        if not str(override.get("reason", "")).strip():
            raise ValueError(f"overriding {key.replace('_', ' ')} needs a reason")
        value = override["value"]
        values[key] = tuple(value) if isinstance(value, list | tuple) else value
    return validate_scope(
        values["reports"], values["report_type"], values["categories"], values["observation_months"]
    )


def suggested_period(scope: Scope, today: date) -> tuple[date, date] | date:
    """The review period (start, end) of a Type 2 starting next month, or the as-of date of a Type 1.

    The period starts on :func:`future_start`. For dates without a recommendation;
    :func:`scope_period` prefers the recommendation's.
    """
    if scope.report_type == "Type 2" and scope.observation_months:
        start = future_start(today)
        return start, period_end(start, scope.observation_months)
    return type1_as_of(today)


def scope_period(scope: Scope, recommendation: Recommendation, today: date) -> tuple[date, date] | date:
    """The dates to apply with *scope*: the recommendation's, adjusted to the user's overrides.

    A Type 2 keeps the recommended start (a period in the past or a renewal's
    continuous start) with the scope's length; a Type 1 keeps the recommended
    as-of date. Where the recommendation has no such date (the type was
    overridden), :func:`suggested_period` gives one.
    """
    if scope.report_type == "Type 2" and scope.observation_months and recommendation.period_start:
        start = recommendation.period_start
        return start, period_end(start, scope.observation_months)
    if scope.report_type == "Type 1" and recommendation.as_of:
        return recommendation.as_of
    return suggested_period(scope, today)


@dataclass(frozen=True, slots=True)
class PeriodToApply:
    """The dates applying a scope writes to the engagement, and what to tell the user about them."""

    period_start: date | None
    period_end: date | None
    as_of: date | None
    kept: bool
    message: str


def period_to_apply(
    current: tuple[date | None, date | None, date | None],
    suggested: tuple[date, date] | date,
    *,
    replace: bool,
) -> PeriodToApply:
    """The engagement's dates after applying a scope whose dates are *suggested*.

    *current* is the engagement's (period start, period end, as-of date). Dates
    the user set are never overwritten unless *replace* is true: they are kept
    and the message says so and names the suggested dates, so the caller can
    offer to replace them.
    """
    start, end, as_of = (
        (suggested[0], suggested[1], None) if isinstance(suggested, tuple) else (None, None, suggested)
    )
    words = describe_period(start, end, as_of)
    if any(current) and not replace:
        kept = describe_period(*current)
        return PeriodToApply(
            *current,
            kept=True,
            message=f"Your dates ({kept}) are kept; the advice suggests {words}. Replace them to use it.",
        )
    return PeriodToApply(start, end, as_of, kept=False, message=f"Dates set: {words}.")


# --- the memo's next steps ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One dated step towards the report: when (in words), on which day, and what happens."""

    day: date
    when: str
    what: str


def _deadline_step(deadline: date, in_hand: date, prior_end: date | None) -> Step:
    if in_hand <= deadline:
        follow = "The report should be in hand before it."
    elif prior_end is not None:
        follow = (
            "The report comes later: the bridge letter covers the customer from "
            f"{format_day(prior_end + timedelta(days=1))} until then."
        )
    else:
        follow = (
            "The report comes later: ask the customer whether a Type 1 would do, or ask your auditor for a "
            "readiness assessment."
        )
    return Step(deadline, f"By {format_day(deadline)}", f"Your customer's date. {follow}")


def _type2_steps(start: date, end: date, prepared: date, renewal: bool) -> list[Step]:
    if start > prepared and renewal:
        steps = [
            Step(
                start,
                format_day(start),
                "The new review period starts: every control keeps running and keeping its evidence, "
                "without a break from the last period.",
            )
        ]
    elif start > prepared:
        steps = [
            Step(
                start,
                f"Before {format_day(start)}",
                "Finish the control matrix: every control in scope has an owner, a description and the "
                "evidence it leaves, and runs as described.",
            ),
            Step(
                start,
                format_day(start),
                "The review period starts: from this day every control keeps its evidence.",
            ),
        ]
    else:
        steps = [
            Step(
                start,
                f"Since {format_day(start)}",
                "The review period started on this day: gather the evidence each control left since "
                "then, part by part of the period, and link it to the control.",
            )
        ]
    steps.append(
        Step(
            end,
            format_day(end),
            "The review period ends. The auditor tests samples drawn from the whole period.",
        )
    )
    in_hand = report_in_hand(end, prepared)
    steps.append(
        Step(
            in_hand,
            f"About {format_month(in_hand)}",
            f"Report in hand, about {REPORT_LAG_MONTHS} months after the period ends and the audit starts.",
        )
    )
    return steps


def _type1_steps(as_of: date, then_type2: bool) -> list[Step]:
    in_hand = add_months(as_of, REPORT_LAG_MONTHS)
    steps = [
        Step(
            as_of,
            f"By {format_day(as_of)}",
            "Finish the control matrix and put every control in place: documented, owned and running.",
        ),
        Step(
            as_of,
            format_day(as_of),
            "The as-of date: the report describes the controls as they stand on this day.",
        ),
        Step(
            in_hand,
            f"About {format_month(in_hand)}",
            f"Report in hand, about {REPORT_LAG_MONTHS} months after the as-of date.",
        ),
    ]
    if then_type2:
        following = as_of + timedelta(days=1)
        steps.append(
            Step(
                following,
                f"From {format_day(following)}",
                "Keep every control running and its evidence: a Type 2 review period needs at least "
                f"{MIN_TYPE2_MONTHS} months of operation, usually {FIRST_TYPE2_MONTHS} for a first one.",
            )
        )
    return steps


def next_steps(
    period: tuple[date, date] | date,
    *,
    prepared: date,
    deadline: date | None = None,
    prior_end: date | None = None,
    then_type2: bool = False,
) -> tuple[Step, ...]:
    """The dated steps from the scoping to the report in hand, in date order.

    Every date follows from the *period* (a Type 2's start and end, or a Type
    1's as-of date), the customer's *deadline* and the last report's
    *prior_end*; *prepared* (the day of the advice) only tells whether the
    period has already begun, so no step falls due the day after the memo
    because of the day it was printed. A renewal (a *prior_end*) adds the
    bridge-letter step; nothing else mentions one.
    """
    if isinstance(period, tuple):
        start, end = period
        steps = _type2_steps(start, end, prepared, renewal=prior_end is not None)
        in_hand = report_in_hand(end, prepared)
    else:
        steps = _type1_steps(period, then_type2)
        in_hand = add_months(period, REPORT_LAG_MONTHS)
    if prior_end is not None:
        following = prior_end + timedelta(days=1)
        steps.append(
            Step(
                following,
                f"From {format_day(following)}",
                "Your last report's period has ended: until the new report is in hand, a bridge letter "
                "signed by management answers customers' questions from this day on.",
            )
        )
    if deadline is not None:
        steps.append(_deadline_step(deadline, in_hand, prior_end))
    return tuple(sorted(steps, key=lambda step: step.day))
