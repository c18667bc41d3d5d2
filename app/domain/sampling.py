"""Type 2 testing arithmetic: occurrences in a period, sample sizes, coverage and what is due.

No AICPA rule fixes sample sizes; the conventions below are the ones widely
used (see the domain reference) and the user may change the samples. Periods
are inclusive at both ends.

How the period is cut for each frequency: every recurring control's slices
are counted from the period's first day, as auditors count occurrences (a
February–July period holds two quarterly occurrences, not three calendar
quarters with stubs):

- annual, semiannual, quarterly: years, half-years and quarters of the period
  (labelled ``2026-Q1`` when they are calendar quarters, else ``Quarter 1``);
- monthly, daily and multiple-daily: months of the period (labelled
  ``2026-03`` when the period starts on the first of a month, else ``Month 1``),
  because a timeline of 250 days is unreadable and daily evidence is gathered
  and sampled month by month;
- weekly: seven-day weeks from the first day (ISO labels such as ``2026-W05``
  when the period starts on a Monday, else ``Week 1``);
- per-event and continuous: no slices; such a control is not recurring, its
  population is whatever the system lists.

A slice cut by the period's last day is kept, shortened: the control is
expected to leave evidence in it like in any other slice.

Populations: a control whose population size is known (how many times it ran
in the period, from the system-generated list) is sized on the population
table, 1 -> 1, 2–4 -> 2, 5–12 -> 2, 13–52 -> 5, 53 or more -> 25. An automated
control is a test of one only while the IT general controls it relies on
(change management and logical access) are implemented.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Literal

from app.domain.controls import ControlRow
from app.domain.periods import add_months, anniversary
from app.domain.vocab import Frequency, Nature

AUTOMATED = "automated"
"""Conventions key: an automated control with effective IT general controls is a test of one."""
TYPE_1 = "type-1"
"""Conventions key: a Type 1 tests design only, with a walkthrough of one occurrence."""
TYPE_1_REPORT = "Type 1"
TYPE_2_REPORT = "Type 2"
DEFAULT_TYPE1_MAX_AGE_DAYS = 90
DUE_SOON_DAYS = 7

DueStatus = Literal["overdue", "due-soon", "scheduled"]


@dataclass(frozen=True, slots=True)
class Convention:
    """A row of the conventions table.

    ``occurrences_per_year`` is ``None`` where the calendar cannot count them
    ("many": several times a day, per event, continuous, or not a frequency).
    """

    occurrences_per_year: int | None
    sample: int


@dataclass(frozen=True, slots=True)
class PopulationBracket:
    """A row of the population table: populations from ``smallest`` to ``largest`` (``None``: no limit)."""

    key: str
    smallest: int
    largest: int | None

    def holds(self, population: int) -> bool:
        return self.smallest <= population and (self.largest is None or population <= self.largest)

    @property
    def label(self) -> str:
        """``Population of 2 to 4``: the words a settings screen shows."""
        if self.largest is None:
            return f"Population of {self.smallest} or more"
        if self.largest == self.smallest:
            return f"Population of {self.smallest}"
        return f"Population of {self.smallest} to {self.largest}"


POPULATION_BRACKETS: tuple[PopulationBracket, ...] = (
    PopulationBracket("population-1", 1, 1),
    PopulationBracket("population-2-4", 2, 4),
    PopulationBracket("population-5-12", 5, 12),
    PopulationBracket("population-13-52", 13, 52),
    PopulationBracket("population-53-plus", 53, None),
)
"""The population table; each bracket's sample is the conventions entry under its key."""

DEFAULT_CONVENTIONS: Mapping[str, Convention] = MappingProxyType(
    {
        Frequency.ANNUAL.value: Convention(1, 1),
        Frequency.SEMIANNUAL.value: Convention(2, 2),
        Frequency.QUARTERLY.value: Convention(4, 2),
        Frequency.MONTHLY.value: Convention(12, 2),
        Frequency.WEEKLY.value: Convention(52, 5),
        Frequency.DAILY.value: Convention(250, 25),
        Frequency.MULTIPLE_DAILY.value: Convention(None, 25),
        Frequency.PER_EVENT.value: Convention(None, 25),
        Frequency.CONTINUOUS.value: Convention(None, 1),
        AUTOMATED: Convention(None, 1),
        TYPE_1: Convention(None, 1),
        "population-1": Convention(None, 1),
        "population-2-4": Convention(None, 2),
        "population-5-12": Convention(None, 2),
        "population-13-52": Convention(None, 5),
        "population-53-plus": Convention(None, 25),
    }
)
"""Frequency (or ``automated`` / ``type-1`` / a population bracket key) -> convention. Semiannual
tests both occurrences (a population of 2–4 is sampled at 2); a continuous control is a
configuration inspected once. The settings store only the samples, under the same keys."""

MAX_SAMPLE = 1000


def conventions_with(samples: Mapping[str, int]) -> Mapping[str, Convention]:
    """The default table with the samples of *samples* (key -> sample size) put in.

    Raises ``ValueError`` for an unknown key or a sample that is not a whole number from 1 to 1000.
    """
    table = dict(DEFAULT_CONVENTIONS)
    for key, sample in samples.items():
        if key not in table:
            raise ValueError(f"no sampling convention {key!r}; expected one of: {', '.join(table)}")
        if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= MAX_SAMPLE:
            raise ValueError(f"the sample for {key} must be a whole number from 1 to {MAX_SAMPLE}")
        table[key] = replace(table[key], sample=sample)
    return MappingProxyType(table)


# --- calendar ------------------------------------------------------------------------------


def business_days(start: date, end: date) -> int:
    """Mondays to Fridays from *start* to *end* inclusive (no holiday calendar)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(1 for offset in range(rest) if (start.weekday() + offset) % 7 < 5)


def _next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class Slice:
    """A stretch of the period in which a recurring control should leave evidence."""

    label: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _parts(
    start: date, end: date, step: Callable[[int], date], label: Callable[[int, date], str]
) -> list[Slice]:
    """Slices from *start*: slice *i* begins on ``step(i)`` and ends the day before the next (or *end*)."""
    parts = []
    index = 0
    while (part_start := step(index)) <= end:
        part_end = min(step(index + 1) - timedelta(days=1), end)
        parts.append(Slice(label(index, part_start), part_start, part_end))
        index += 1
    return parts


def _months_of_period(start: date, end: date, months: int, word: str, calendar: bool) -> list[Slice]:
    """Parts of *months* months counted from *start*, labelled by the calendar when *calendar* is true."""

    def label(index: int, first: date) -> str:
        if not calendar:
            return f"{word} {index + 1}"
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}" if months == 3 else f"{first:%Y-%m}"

    return _parts(start, end, lambda index: anniversary(start, months * index), label)


def _weeks_of_period(start: date, end: date) -> list[Slice]:
    def label(index: int, monday: date) -> str:
        if start.weekday() != 0:
            return f"Week {index + 1}"
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}"

    return _parts(start, end, lambda index: start + timedelta(days=7 * index), label)


def slices(frequency: str, start: date, end: date) -> list[Slice]:
    """The slices of the period for a control of this frequency (none if it is not recurring)."""
    if end < start:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    match Frequency(frequency):
        case Frequency.ANNUAL:
            return _months_of_period(start, end, 12, "Year", calendar=False)
        case Frequency.SEMIANNUAL:
            return _months_of_period(start, end, 6, "Half", calendar=False)
        case Frequency.QUARTERLY:
            calendar_quarters = start.day == 1 and start.month % 3 == 1
            return _months_of_period(start, end, 3, "Quarter", calendar=calendar_quarters)
        case Frequency.MONTHLY | Frequency.DAILY | Frequency.MULTIPLE_DAILY:
            return _months_of_period(start, end, 1, "Month", calendar=start.day == 1)
        case Frequency.WEEKLY:
            return _weeks_of_period(start, end)
        case _:
            return []


def is_recurring(frequency: str) -> bool:
    """Whether the control runs on a calendar (so it has slices and a next due date)."""
    return Frequency(frequency) not in (Frequency.PER_EVENT, Frequency.CONTINUOUS)


def expected_occurrences(frequency: str, start: date, end: date) -> int | None:
    """How many times the control should operate in the period.

    Counted on the calendar: slices for annual to weekly controls, business
    days (Monday–Friday) for daily ones. ``None`` where the calendar cannot
    tell ("many": several times a day, per event, continuous).
    """
    match Frequency(frequency):
        case Frequency.DAILY:
            return business_days(start, end)
        case Frequency.MULTIPLE_DAILY | Frequency.PER_EVENT | Frequency.CONTINUOUS:
            return None
        case _:
            return len(slices(frequency, start, end))


# --- samples -------------------------------------------------------------------------------

POPULATION_NEEDED = (
    "Population size needed: enter how many times the control operated in the review period (the count "
    "of its system-generated list); until then the sample is the usual one for its frequency."
)
NO_OCCURRENCE = (
    "The control did not operate in the period: nothing to sample, but the auditor checks that the "
    "empty population is complete."
)

ITGC_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("change management", ("CC8.1",)),
    ("logical access", ("CC6.1", "CC6.2", "CC6.3")),
)
"""The IT general controls an automated control relies on: area and the criteria its key controls map to."""


@dataclass(frozen=True, slots=True)
class ItgcStatus:
    """Whether the IT general controls automated controls rely on are in place, and what is missing."""

    ready: bool
    missing: tuple[str, ...] = ()


def itgc_status(controls: Iterable[ControlRow]) -> ItgcStatus:
    """Whether every area of :data:`ITGC_AREAS` has key controls and all of them are implemented.

    *controls* are the engagement's control rows; an area without any key
    control is not ready either, because there is nothing to rely on.
    """
    rows = sorted(controls, key=lambda control: control.ref)
    missing: list[str] = []
    not_implemented: list[str] = []
    for area, criteria in ITGC_AREAS:
        keys = [c for c in rows if c.is_key and set(criteria).intersection(c.criteria)]
        if not keys:
            missing.append(f"{area} ({', '.join(criteria)}) has no key control")
        not_implemented += [c.ref for c in keys if not c.implemented and c.ref not in not_implemented]
    missing += [f"key control {ref} is not implemented" for ref in not_implemented]
    return ItgcStatus(not missing, tuple(missing))


def population_sample(population: int, conventions: Mapping[str, Convention] = DEFAULT_CONVENTIONS) -> int:
    """The population table's sample for *population* occurrences, never more than them (0 for none)."""
    if population <= 0:
        return 0
    bracket = next(b for b in POPULATION_BRACKETS if b.holds(population))
    return min(conventions[bracket.key].sample, population)


def _frequency_sample(
    frequency: str, start: date | None, end: date | None, conventions: Mapping[str, Convention]
) -> int:
    own = conventions[frequency]
    count = expected_occurrences(frequency, start, end) if start and end else None
    if count is None or own.occurrences_per_year is None:
        return own.sample
    ceiling = own.occurrences_per_year
    rows = sorted(
        (row for row in conventions.values() if row.occurrences_per_year is not None),
        key=lambda row: row.occurrences_per_year or 0,
    )
    bracket = next(
        (row for row in rows if count <= (row.occurrences_per_year or 0) <= ceiling),
        own,
    )
    return max(1, min(bracket.sample, count))


@dataclass(frozen=True, slots=True)
class SampleAdvice:
    """A sample size (``None`` without a frequency or population) and the notes that go with it."""

    size: int | None
    notes: tuple[str, ...] = ()


def sample_advice(
    frequency: str | None,
    nature: str | None,
    report_type: str | None,
    start: date | None,
    end: date | None,
    conventions: Mapping[str, Convention] = DEFAULT_CONVENTIONS,
    *,
    population_size: int | None = None,
    itgcs: ItgcStatus | None = None,
) -> SampleAdvice:
    """How many occurrences the auditor is likely to test, and what to know about that number.

    A Type 1 is a walkthrough. An automated control is a test of one while
    *itgcs* are ready (or were not checked: ``None``); otherwise it is sized as
    a manual control of its frequency, with a note saying why. A known
    population is sized on the population table. Without one, a recurring
    control's sample follows the number of occurrences in the period, as
    auditors' population tables do: the sample of the smallest frequency whose
    yearly count covers that number, never above the control's own row — so a
    daily control over six weeks (about 30 occurrences) is sampled like a
    weekly one. A per-event or several-times-a-day control without a
    population gets its frequency's usual sample and a note asking for the
    population size.
    """
    if report_type == TYPE_1_REPORT:
        return SampleAdvice(conventions[TYPE_1].sample)
    notes: tuple[str, ...] = ()
    if nature == Nature.AUTOMATED.value:
        if itgcs is None or itgcs.ready:
            return SampleAdvice(conventions[AUTOMATED].sample)
        notes = (
            "Sized as a manual control: an automated control is tested once only while the IT general "
            "controls it relies on (change management and logical access) have their key controls "
            f"implemented, and {'; '.join(itgcs.missing)}.",
        )
    if population_size is not None:
        size = population_sample(population_size, conventions)
        return SampleAdvice(size, notes + ((NO_OCCURRENCE,) if size == 0 else ()))
    if frequency is None:
        return SampleAdvice(None, notes)
    if Frequency(frequency) in (Frequency.PER_EVENT, Frequency.MULTIPLE_DAILY):
        notes += (POPULATION_NEEDED,)
    return SampleAdvice(_frequency_sample(frequency, start, end, conventions), notes)


def suggested_sample(
    frequency: str | None,
    nature: str | None,
    report_type: str | None,
    start: date | None,
    end: date | None,
    conventions: Mapping[str, Convention] = DEFAULT_CONVENTIONS,
    *,
    population_size: int | None = None,
    itgcs: ItgcStatus | None = None,
) -> int | None:
    """The size of :func:`sample_advice`."""
    return sample_advice(
        frequency, nature, report_type, start, end, conventions, population_size=population_size, itgcs=itgcs
    ).size


# --- coverage, due dates, staleness ------------------------------------------------------


def coverage(
    frequency: str, start: date, end: date, collected_dates: Iterable[date]
) -> list[tuple[Slice, bool]]:
    """Each slice of the period with whether evidence was collected inside it."""
    days = sorted(set(collected_dates))
    return [(part, any(part.contains(day) for day in days)) for part in slices(frequency, start, end)]


def next_due(frequency: str | None, latest_collected: date | None, today: date) -> date | None:
    """When the next evidence is due: one interval after the latest, or *today* if there is none.

    ``None`` for a control that is not recurring. Daily and multiple-daily
    evidence is due the next business day.
    """
    if frequency is None or not is_recurring(frequency):
        return None
    if latest_collected is None:
        return today
    match Frequency(frequency):
        case Frequency.ANNUAL:
            return add_months(latest_collected, 12)
        case Frequency.SEMIANNUAL:
            return add_months(latest_collected, 6)
        case Frequency.QUARTERLY:
            return add_months(latest_collected, 3)
        case Frequency.MONTHLY:
            return add_months(latest_collected, 1)
        case Frequency.WEEKLY:
            return latest_collected + timedelta(days=7)
        case _:
            return _next_business_day(latest_collected)


def due_status(due: date, today: date, *, within_days: int = DUE_SOON_DAYS) -> DueStatus:
    """``overdue`` before today, ``due-soon`` from today to *within_days* ahead, else ``scheduled``."""
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=within_days):
        return "due-soon"
    return "scheduled"


def report_type_for(
    report_type: str | None, period_start: date | None, period_end: date | None, as_of: date | None
) -> str | None:
    """The engagement's report type, or when unset the one its dates imply (a period -> Type 2)."""
    if report_type is not None:
        return report_type
    if period_start is not None and period_end is not None:
        return TYPE_2_REPORT
    if as_of is not None:
        return TYPE_1_REPORT
    return None


def is_stale(
    collected: date | None,
    report_type: str | None,
    period_start: date | None,
    as_of: date | None,
    max_age_days: int = DEFAULT_TYPE1_MAX_AGE_DAYS,
    *,
    today: date | None = None,
) -> bool:
    """Whether evidence is too old for the report.

    Type 2: collected before the period starts — but never before the period
    has started (*today* before its first day): then all evidence is
    preparation, and none of it is stale yet. Type 1: collected more than
    *max_age_days* before the as-of date. Without the dates to judge, not stale.
    """
    if collected is None:
        return False
    if report_type == TYPE_2_REPORT and period_start is not None:
        return collected < period_start and (today is None or today >= period_start)
    if report_type == TYPE_1_REPORT and as_of is not None:
        return collected < as_of - timedelta(days=max_age_days)
    return False


# --- one control ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SliceCoverage:
    """A slice with its evidence: ``missing`` only once the slice is over without evidence."""

    label: str
    start: date
    end: date
    covered: bool
    ended: bool

    @property
    def missing(self) -> bool:
        return self.ended and not self.covered


@dataclass(frozen=True, slots=True)
class ControlSampling:
    """Sampling, coverage and due date of one control, as the sampling report lists them."""

    control_id: int
    ref: str
    title: str
    frequency: str | None
    nature: str | None
    expected_occurrences: int | None
    suggested_sample: int | None
    slices: list[SliceCoverage] = field(default_factory=list)
    latest_evidence: date | None = None
    next_due: date | None = None
    due_status: DueStatus | None = None
    stale_evidence: int = 0
    population_size: int | None = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values, with the labels of covered, missing and not yet ended slices."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "control_id": self.control_id,
            "ref": self.ref,
            "title": self.title,
            "frequency": self.frequency,
            "nature": self.nature,
            "expected_occurrences": self.expected_occurrences,
            "population_size": self.population_size,
            "suggested_sample": self.suggested_sample,
            "notes": list(self.notes),
            "slices": [
                {"label": s.label, "start": iso(s.start), "end": iso(s.end), "covered": s.covered}
                for s in self.slices
            ],
            "covered": [s.label for s in self.slices if s.covered],
            "missing": [s.label for s in self.slices if s.missing],
            "upcoming": [s.label for s in self.slices if not s.covered and not s.ended],
            "latest_evidence": iso(self.latest_evidence),
            "next_due": iso(self.next_due),
            "due_status": self.due_status,
            "stale_evidence": self.stale_evidence,
        }


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What of an engagement the sampling arithmetic needs: its report type and dates."""

    report_type: str | None
    period_start: date | None
    period_end: date | None
    as_of: date | None


def assess_control(
    *,
    control_id: int,
    ref: str,
    title: str,
    frequency: str | None,
    nature: str | None,
    scope: ReportScope,
    collected_dates: Iterable[date],
    today: date,
    conventions: Mapping[str, Convention] = DEFAULT_CONVENTIONS,
    type1_max_age_days: int = DEFAULT_TYPE1_MAX_AGE_DAYS,
    population_size: int | None = None,
    itgcs: ItgcStatus | None = None,
) -> ControlSampling:
    """Everything the sampling report says about one control, from its linked evidence dates.

    *population_size* is the control's count of occurrences in the period (if
    known); *itgcs* the engagement's :func:`itgc_status`, which decides whether
    an automated control is a test of one (``None``: not checked, it is).
    """
    days = sorted(collected_dates)
    report_type = report_type_for(scope.report_type, scope.period_start, scope.period_end, scope.as_of)
    start, end = scope.period_start, scope.period_end
    if report_type != TYPE_2_REPORT:
        start = end = None
    parts: list[SliceCoverage] = []
    expected = None
    if frequency is not None and start is not None and end is not None:
        expected = expected_occurrences(frequency, start, end)
        parts = [
            SliceCoverage(part.label, part.start, part.end, covered, part.end < today)
            for part, covered in coverage(frequency, start, end, days)
        ]
    latest = days[-1] if days else None
    due = next_due(frequency, latest, today)
    if due is not None and start is not None and today < start:
        due = max(due, start)  # before the period nothing is due: the first evidence falls in it
    if due is not None and end is not None and due > end:
        due = end if latest is None else None  # after the period: only evidence never collected is due
    stale = sum(
        is_stale(day, report_type, scope.period_start, scope.as_of, type1_max_age_days, today=today)
        for day in days
    )
    advice = sample_advice(
        frequency,
        nature,
        report_type,
        start,
        end,
        conventions,
        population_size=population_size,
        itgcs=itgcs,
    )
    return ControlSampling(
        control_id=control_id,
        ref=ref,
        title=title,
        frequency=frequency,
        nature=nature,
        expected_occurrences=expected,
        suggested_sample=advice.size,
        slices=parts,
        latest_evidence=latest,
        next_due=due,
        due_status=None
        if due is None
        else "scheduled"
        if start and today < start
        else due_status(due, today),
        stale_evidence=stale,
        population_size=population_size,
        notes=advice.notes,
    )


@dataclass(frozen=True, slots=True)
class DueLists:
    """Recurring controls whose evidence is overdue, and those due within seven days, soonest first."""

    overdue: list[ControlSampling]
    due_soon: list[ControlSampling]


def group_due(report: Sequence[ControlSampling]) -> DueLists:
    """The overdue and due-this-week lists of a sampling report."""
    dated = sorted((row for row in report if row.next_due), key=lambda row: (row.next_due, row.ref))
    return DueLists(
        overdue=[row for row in dated if row.due_status == "overdue"],
        due_soon=[row for row in dated if row.due_status == "due-soon"],
    )
