"""The scoping decision: which SOC report, which type, which categories, and why.

:func:`recommend` takes the answers to the scoping questions and returns a
:class:`Recommendation`. The rules are the contract (see the module tests);
refinements may add warnings or rationale but never change reports, type or
categories.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain.periods import add_months
from app.domain.vocab import CATEGORIES

REQUESTABLE_REPORTS = ("SOC 1", "SOC 2", "SOC 3")
FIRST_TYPE2_MONTHS = 6
MIN_TYPE2_MONTHS = 3
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
        "Yes if you process payroll, benefits or claims, billing or revenue, payments, investment "
        "custody or fund administration, loan servicing, or host the system your customers keep "
        "their books in. Their auditors then need comfort about your controls.",
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
        "ipo_planned",
        bool,
        "Are you preparing for an IPO, or to be acquired by a public company?",
        "Public companies must show their financial controls work, including those at service "
        "providers; a SOC 1 is usually expected.",
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
KEPT_UNREAD = frozenset({"prior_report"})
"""Answers stored for the scoping rules that they do not read yet (a rolled-forward engagement's prior
report, ``{"report", "type", "period_end"}``): accepted when loading, not refused as unknown."""


class AnswersError(ValueError):
    """The answers cannot be read; the message names the key."""


@dataclass(frozen=True, slots=True)
class Answers:
    """The user's answers; a missing boolean means "no", a missing number "unknown"."""

    financial_reporting_impact: bool = False
    customer_data: bool = False
    customers_requested: tuple[str, ...] = ()
    ipo_planned: bool = False
    availability_commitments: bool = False
    confidential_data: bool = False
    processing_integrity: bool = False
    personal_information: bool = False
    controls_operating_months: int | None = None
    report_needed_within_months: int | None = None
    customers_require_type2: bool = False

    @classmethod
    def from_mapping(cls, data: Any) -> "Answers":
        """Answers from JSON-like data; unknown keys or wrong types raise :class:`AnswersError`."""
        if not isinstance(data, dict):
            raise AnswersError("the answers must be a JSON object of question keys and answers")
        values: dict[str, Any] = {}
        for key, value in data.items():
            question = QUESTIONS_BY_KEY.get(key)
            if question is None and key in KEPT_UNREAD:
                continue
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
            else:
                if not isinstance(value, list) or any(item not in REQUESTABLE_REPORTS for item in value):
                    accepted = ", ".join(f'"{report}"' for report in REQUESTABLE_REPORTS)
                    raise AnswersError(f"{key}: expected a list of {accepted}, got {value!r}")
                value = tuple(report for report in REQUESTABLE_REPORTS if report in value)
            values[key] = value
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready answers (every key; unknown numbers as ``None``)."""
        return {
            question.key: list(value) if isinstance(value := getattr(self, question.key), tuple) else value
            for question in QUESTIONS
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """One rationale sentence, the decision it explains and the answers that drove it."""

    decision: str
    text: str
    answers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Which reports, which type, which categories, for how long, and why."""

    reports: tuple[str, ...]
    report_type: str
    then_type2: bool
    categories: tuple[str, ...]
    observation_months: int | None
    reasons: tuple[Reason, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    @property
    def rationale(self) -> tuple[str, ...]:
        return tuple(reason.text for reason in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the recommendation's public keys, JSON-ready."""
        return {
            "reports": list(self.reports),
            "report_type": self.report_type,
            "then_type2": self.then_type2,
            "categories": list(self.categories),
            "observation_months": self.observation_months,
            "rationale": list(self.rationale),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Recommendation":
        """The stored form back (rationale lines without their answer keys)."""
        return cls(
            reports=tuple(data["reports"]),
            report_type=data["report_type"],
            then_type2=bool(data["then_type2"]),
            categories=tuple(data["categories"]),
            observation_months=data["observation_months"],
            reasons=tuple(Reason("", text, ()) for text in data["rationale"]),
            warnings=tuple(data["warnings"]),
        )


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _soc1(answers: Answers) -> tuple[bool, Reason]:
    drivers = []
    if answers.financial_reporting_impact:
        drivers.append(("financial_reporting_impact", "your service affects customers' financial statements"))
    if "SOC 1" in answers.customers_requested:
        drivers.append(("customers_requested", "customers asked for a SOC 1"))
    if answers.ipo_planned:
        drivers.append(("ipo_planned", "you are preparing for an IPO or a sale to a public company"))
    if drivers:
        text = f"SOC 1, because {_join([d[1] for d in drivers])}."
        return True, Reason("reports", text, tuple(d[0] for d in drivers))
    text = (
        "No SOC 1: your service does not affect customers' financial statements, no customer asked "
        "for a SOC 1 and no IPO is planned."
    )
    return False, Reason(
        "reports", text, ("financial_reporting_impact", "customers_requested", "ipo_planned")
    )


def _soc2(answers: Answers) -> tuple[bool, Reason]:
    drivers = []
    if answers.customer_data:
        drivers.append(("customer_data", "you hold or can reach customer data"))
    asked = [report for report in ("SOC 2", "SOC 3") if report in answers.customers_requested]
    if asked:
        drivers.append(("customers_requested", f"customers asked for a {' and a '.join(asked)}"))
    if drivers:
        text = f"SOC 2, because {_join([d[1] for d in drivers])}."
        return True, Reason("reports", text, tuple(d[0] for d in drivers))
    text = "No SOC 2: you do not hold or reach customer data and no customer asked for a SOC 2 or SOC 3."
    return False, Reason("reports", text, ("customer_data", "customers_requested"))


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


def _deadline_months(months_needed: int) -> str:
    return f"{months_needed} month{'s' if months_needed != 1 else ''}"


def recommend(answers: Answers) -> Recommendation:
    """Apply the scoping rules to *answers*."""
    reasons: list[Reason] = []
    warnings: list[str] = []

    soc1, soc1_reason = _soc1(answers)
    soc2, soc2_reason = _soc2(answers)
    reasons += [soc1_reason, soc2_reason]
    reports = tuple(report for report, wanted in (("SOC 1", soc1), ("SOC 2", soc2)) if wanted)
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
        categories.append("Security")
        reasons.append(Reason("categories", "Security, because every SOC 2 covers it.", soc2_reason.answers))
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
    if not reports:
        warnings.append(
            "Nothing you answered calls for a SOC report. Check with your sales team whether customers "
            "have asked for one before starting an audit."
        )

    months = answers.controls_operating_months
    if answers.customers_require_type2:
        report_type, then_type2 = "Type 2", False
        reasons.append(
            Reason(
                "report_type",
                "Type 2, because customers require evidence that controls worked over a period.",
                ("customers_require_type2",),
            )
        )
    elif months is not None and months >= MIN_TYPE2_MONTHS:
        report_type, then_type2 = "Type 2", False
        reasons.append(
            Reason(
                "report_type",
                f"Type 2, because your controls have operated for {_deadline_months(months)}, enough "
                "to show them working over a period.",
                ("controls_operating_months",),
            )
        )
    else:
        report_type, then_type2 = "Type 1", True
        operated = (
            "are not operating yet" if not months else f"have operated for only {_deadline_months(months)}"
        )
        if months is None:
            operated = "have not been shown to operate for 3 months"
        reasons.append(
            Reason(
                "report_type",
                f"Type 1 now and a Type 2 afterwards, because your controls {operated} and no customer "
                "requires a Type 2 yet.",
                ("controls_operating_months", "customers_require_type2"),
            )
        )

    deadline = answers.report_needed_within_months
    observation: int | None = None
    if report_type == "Type 2":
        if deadline is None:
            observation = FIRST_TYPE2_MONTHS
            reasons.append(
                Reason(
                    "observation_months",
                    f"A {FIRST_TYPE2_MONTHS}-month review period, usual for a first Type 2; you gave no "
                    "deadline to check it against.",
                    ("report_needed_within_months",),
                )
            )
        else:
            available = deadline - REPORT_LAG_MONTHS
            observation = max(MIN_TYPE2_MONTHS, min(FIRST_TYPE2_MONTHS, available))
            if available >= FIRST_TYPE2_MONTHS:
                text = (
                    f"A {FIRST_TYPE2_MONTHS}-month review period, usual for a first Type 2, fits your "
                    f"deadline of {_deadline_months(deadline)} with {REPORT_LAG_MONTHS} months left for "
                    "the audit and report."
                )
            elif available >= MIN_TYPE2_MONTHS:
                text = (
                    f"A {observation}-month review period, the longest your deadline of "
                    f"{_deadline_months(deadline)} allows once {REPORT_LAG_MONTHS} months are kept for "
                    "the audit and report."
                )
            else:
                text = (
                    f"A {MIN_TYPE2_MONTHS}-month review period, the shortest auditors usually accept, "
                    f"although your deadline of {_deadline_months(deadline)} leaves less than that once "
                    "the audit is allowed for."
                )
                warnings.append(
                    f"A Type 2 cannot be in hand within {_deadline_months(deadline)}: a review period of "
                    f"at least {MIN_TYPE2_MONTHS} months plus about {REPORT_LAG_MONTHS} months for the "
                    "audit are needed. Ask the customer whether a Type 1 or a bridge letter would do "
                    "in the meantime."
                )
            reasons.append(Reason("observation_months", text, ("report_needed_within_months",)))
        if answers.customers_require_type2 and (months or 0) < MIN_TYPE2_MONTHS:
            warnings.append(
                "Customers require a Type 2 but your controls have not operated for 3 months yet: put "
                "them in place now; the review period can only start once they leave evidence."
            )
    elif deadline is not None and deadline < REPORT_LAG_MONTHS:
        warnings.append(
            f"Even a Type 1 is hard to have in hand within {_deadline_months(deadline)}: auditors usually "
            f"need about {REPORT_LAG_MONTHS} months from engagement to report."
        )

    return Recommendation(
        reports=reports,
        report_type=report_type,
        then_type2=then_type2,
        categories=tuple(categories),
        observation_months=observation,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """What is applied to the engagement: the recommendation with the user's overrides."""

    reports: tuple[str, ...]
    report_type: str
    categories: tuple[str, ...]
    observation_months: int | None


OVERRIDABLE = ("reports", "report_type", "categories", "observation_months")


def validate_scope(
    reports: tuple[str, ...], report_type: str, categories: tuple[str, ...], observation_months: int | None
) -> Scope:
    """A consistent scope: known values, canonical order, Security exactly when there is a SOC 2,
    a review period of 1 to 24 months for a Type 2 and none for a Type 1."""
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
    if report_type == "Type 2":
        months = observation_months or FIRST_TYPE2_MONTHS
        if not 1 <= months <= 24:
            raise ValueError("a Type 2 review period is between 1 and 24 months")
    else:
        months = None
    return Scope(ordered_reports, report_type, ordered, months)


def apply_overrides(recommendation: Recommendation, overrides: dict[str, dict[str, Any]]) -> Scope:
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
    """The review period (start, end) of a Type 2, or the as-of date of a Type 1.

    A Type 2 period starts on the first day of next month and lasts the
    scope's number of months; a Type 1 is as of the last day of next month.
    """
    start = add_months(today.replace(day=1), 1)
    if scope.report_type == "Type 2" and scope.observation_months:
        return start, add_months(start, scope.observation_months) - timedelta(days=1)
    return add_months(start, 1) - timedelta(days=1)
