"""The metric registry: every number the dashboard shows is declared here, once.

Each metric declares its definition, unit, source, caveats and disclosure rule, and, per
breakdown (total, period, area, category), the SQL file(s) that answer it. ``cara_metrics.
metrics.compute`` runs exactly those files and nothing else, so charts, tables, downloads,
the board pack, the public release and the methodology page read one definition.
``cara_metrics.metrics.validate`` checks these declarations against the SQL files and the
demo data (in tests/test_metrics.py and at start-up). This module only declares: it imports
nothing of the project's.
"""

from __future__ import annotations


from dataclasses import dataclass
from typing import Literal

#: How a metric's result is split: one row for the whole selection, one per period (at a
#: grain), one per area of the force, or one per category (offence group, question...).
Breakdown = Literal["total", "period", "area", "category"]
BREAKDOWNS: tuple[Breakdown, ...] = ("total", "period", "area", "category")
#: Per breakdown, the SQL file(s) (names in sql/, without .sql) that answer it.
Queries = tuple[tuple[Breakdown, tuple[str, ...]], ...]

Unit = Literal["percent", "count", "rate_per_1000", "per_100", "days", "gbp", "ratio"]
Disclosure = Literal["crime_count", "people_count", "people_rate", "people_statistic", "not_published"]

SOURCE_CRIME = "Force crime recording system, domestic-abuse-flagged extract (monthly); ONS mid-year population estimates."
SOURCE_REFERRALS = "CARA referral records (The Hampton Trust and the force), pseudonymised."
SOURCE_SURVEY = "CARA end-of-workshop participant survey (The Hampton Trust)."
SOURCE_REOFFENDING = "Police National Computer extract for the CARA cohort and the comparison group, pseudonymised."
SOURCE_COSTS = "PCC office finance records."
SOURCE_DEFLATORS = "HM Treasury, GDP deflators at market prices, and money GDP (the release named in the note on prices)."

DISCLOSURE_RULES: dict[str, str] = {
    "crime_count": "Counts of offences, published as the police publish them: not rounded or suppressed.",
    "people_count": "Counts of people below force level: 1 to 4 shown as [c], others rounded to the nearest 5, with secondary suppression.",
    "people_rate": "Percentages of people: not shown when the denominator is below 10 or would reveal a count of 1 to 4; [u] when below 30.",
    "people_statistic": "Statistics about people (medians, means, curves): published only for groups of at least 10 people.",
    "not_published": "Commissioner view only; not part of the public release.",
}

MOJ_CAVEAT = (
    "Measured as the Ministry of Justice does: an offence committed within 12 months of the caution "
    "and proven by conviction or caution within that year or a further 6 months. Cohorts whose "
    "follow-up has not ended are left out."
)
COMPARISON_CAVEAT = (
    "The comparison group is people given a domestic-abuse caution before CARA started who would "
    "have been eligible; it is not randomised, so differences may partly reflect other changes over time."
)


def q(**by: str | tuple[str, ...]) -> Queries:
    """``q(total="a", period="a", area="b")`` -> the declaration of which SQL answers each breakdown."""
    return tuple((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in by.items())  # type: ignore[misc]


@dataclass(frozen=True)
class Metric:
    """One declared metric. Every field is required (the registry test checks)."""

    id: str
    title: str
    question: str
    definition: str
    unit: Unit
    numerator: str
    denominator: str
    caveats: str
    source: str
    disclosure: Disclosure
    queries: Queries
    higher_is_better: bool | None = None
    #: Fixed values for the SQL file's parameters that pick this metric out of a query shared
    #: by several (e.g. which step days_from_caution.sql measures to).
    sql_params: tuple[tuple[str, str], ...] = ()
    #: Optional public tables (``contract.OPTIONAL_TABLES``) without which the metric has no
    #: answer at all (the ONS series for the reconciliation); a page says the series is not
    #: loaded. A metric that only *prefers* an optional source (recorded_crimes) lists none.
    requires: tuple[str, ...] = ()

    @property
    def breakdowns(self) -> tuple[Breakdown, ...]:
        return tuple(by for by, _ in self.queries)

    def sql_for(self, by: Breakdown) -> tuple[str, ...]:
        """The SQL file(s) declared for ``by``; KeyError naming the choices if none."""
        for b, files in self.queries:
            if b == by:
                return files
        raise KeyError(f"metric {self.id!r} has no {by!r} breakdown; it has: {', '.join(self.breakdowns)}")

    @property
    def sql_files(self) -> tuple[str, ...]:
        """Every SQL file the metric declares, once each, in order."""
        return tuple(dict.fromkeys(f for _, files in self.queries for f in files))

    @property
    def footer(self) -> str:
        """The 'definition · source · caveats' line printed under every chart and table."""
        return f"Definition: {self.definition} · Source: {self.source} · Caveats: {self.caveats}"

    @property
    def disclosure_rule(self) -> str:
        return DISCLOSURE_RULES[self.disclosure]


QUESTIONS = {
    "crime": "How big is domestic abuse in recorded crime?",
    "referrals": "How many people are referred to CARA?",
    "completion": "How many complete the workshops?",
    "survey": "What do participants say?",
    "reoffending": "Do they reoffend less?",
    "value": "What does it cost, and what might it save?",
    "quality": "How complete and up to date is the data?",
}

_METRICS: tuple[Metric, ...] = (
    # 1. Domestic abuse in recorded crime
    Metric(
        id="da_share",
        title="Domestic-abuse share of recorded crime",
        question="crime",
        definition="Crimes flagged by the police as domestic-abuse related, as a percentage of all police recorded crime in the area and period.",
        unit="percent",
        numerator="Domestic-abuse-flagged recorded crimes",
        denominator="All recorded crimes",
        caveats="Flagging practice changed over time; a break in series is marked where the source series changed. Fraud is recorded nationally, not by area, and is excluded.",
        source=SOURCE_CRIME,
        disclosure="crime_count",
        queries=q(total=("crime_by_period", "series_breaks"), period=("crime_by_period", "series_breaks"), area="crime_by_area"),
        higher_is_better=None,
    ),
    Metric(
        id="da_crimes",
        title="Domestic-abuse-flagged crimes",
        question="crime",
        definition="Number of police recorded crimes flagged as domestic-abuse related.",
        unit="count",
        numerator="Domestic-abuse-flagged recorded crimes",
        denominator="None (a count)",
        caveats="A rise can reflect more reporting and better recording as well as more abuse.",
        source=SOURCE_CRIME,
        disclosure="crime_count",
        queries=q(total=("crime_by_period", "series_breaks"), period=("crime_by_period", "series_breaks"), area="crime_by_area"),
    ),
    Metric(
        id="da_rate_per_1000",
        title="Domestic-abuse crimes per 1,000 residents",
        question="crime",
        definition="Domestic-abuse-flagged crimes per 1,000 residents per year (periods shorter than a year are annualised).",
        unit="rate_per_1000",
        numerator="Domestic-abuse-flagged recorded crimes",
        denominator="Resident population-years (ONS mid-year estimate for each financial year; a month counts one twelfth)",
        caveats="Population estimates are revised after each census; rates for the latest year use the latest estimate available.",
        source=SOURCE_CRIME,
        disclosure="crime_count",
        queries=q(total=("crime_by_period", "series_breaks"), period=("crime_by_period", "series_breaks"), area="crime_by_area"),
    ),
    Metric(
        id="da_offence_mix",
        title="Domestic-abuse crime by offence group",
        question="crime",
        definition="Domestic-abuse-flagged crimes in each Home Office offence group, as a percentage of all domestic-abuse-flagged crimes.",
        unit="percent",
        numerator="Domestic-abuse-flagged crimes in the offence group",
        denominator="All domestic-abuse-flagged crimes",
        caveats="Offence groups follow the Home Office counting rules in force when the crime was recorded.",
        source=SOURCE_CRIME,
        disclosure="crime_count",
        queries=q(category="crime_offence_mix"),
    ),
    Metric(
        id="recorded_crimes",
        title="All recorded crime",
        question="crime",
        definition=("Police recorded crimes (offences) in the area and period, from whichever source covers each "
                    "period: the force's own extract, then Home Office open data (whole quarters, by CSP), then "
                    "data.police.uk street-level crime. The source is shown with every figure."),
        unit="count",
        numerator="Recorded crimes",
        denominator="None (a count)",
        caveats=(
            "Sources differ: police.uk leaves out anti-social behaviour (not crime) and counts a crime with no "
            "location, or located in a neighbouring force's area, for the force that reported it but for no area "
            "inside it; Home Office figures are by CSP and quarter only. A CSP that shares a council with "
            "another CSP gets no figure ([x]) from a source that holds that council's crimes only by council."),
        source=("Force crime recording system extract; Home Office police recorded crime open data tables; "
                "data.police.uk street-level crime."),
        disclosure="crime_count",
        queries=q(total="recorded_crimes_by_period", period="recorded_crimes_by_period", area="recorded_crimes_by_area"),
    ),
    # 2. Referrals
    Metric(
        id="referrals",
        title="People referred to CARA",
        question="referrals",
        definition="People given a police caution with a condition to attend the CARA workshops, counted by date of caution.",
        unit="count",
        numerator="Cautions with a CARA condition",
        denominator="None (a count)",
        caveats="CARA started in Dorset in August 2019; workshops paused in the first COVID-19 lockdown (March to July 2020).",
        source=SOURCE_REFERRALS,
        disclosure="people_count",
        queries=q(total="referrals_by_period", period="referrals_by_period", area="referrals_by_area"),
        higher_is_better=None,
    ),
    Metric(
        id="referrals_rolling_12",
        title="Referrals in the last 12 months",
        question="referrals",
        definition="People referred in the 12 months to the end of each month, against the 12 months before that.",
        unit="count",
        numerator="Cautions with a CARA condition in the 12 months",
        denominator="None (a count)",
        caveats="Rolling totals smooth out month-to-month noise but lag turning points.",
        source=SOURCE_REFERRALS,
        disclosure="people_count",
        queries=q(period="referrals_rolling"),
    ),
    Metric(
        id="referrals_by_category",
        title="Referrals by characteristic",
        question="referrals",
        definition="People referred, split by age band, sex, DASH risk level or index offence.",
        unit="count",
        numerator="Cautions with a CARA condition in each category",
        denominator="All cautions with a CARA condition",
        caveats="Characteristics are as recorded at caution. CARA in Dorset is for adult men, so the split by sex is mostly one group.",
        source=SOURCE_REFERRALS,
        disclosure="people_count",
        queries=q(category="referrals_by_category"),
    ),
    Metric(
        id="days_to_workshop",
        title="Days from caution to first workshop",
        question="referrals",
        definition="Median (and interquartile range) of days from the caution to the first workshop attended.",
        unit="days",
        numerator="Days from caution to first attended workshop",
        denominator="People who attended workshop 1",
        caveats="People who never attended a workshop are not included. Workshops run on Saturdays, so waits come in steps of a week.",
        source=SOURCE_REFERRALS,
        disclosure="people_statistic",
        queries=q(total="days_from_caution", period="days_from_caution"),
        sql_params=(("step", "workshop1"),),
        higher_is_better=False,
    ),
    # 3. Completion
    Metric(
        id="completion_rate",
        title="Completion rate",
        question="completion",
        definition="People who completed both workshops as a percentage of closed cases (completed, breached or withdrawn), by date of caution.",
        unit="percent",
        numerator="People who completed both workshops",
        denominator="Closed cases: completed, breached or withdrawn",
        caveats="Cases still in progress are left out until they close, so the latest months can move. Interval: Wilson 95%.",
        source=SOURCE_REFERRALS,
        disclosure="people_rate",
        queries=q(total="completion_by_period", period="completion_by_period", area="completion_by_area"),
        higher_is_better=True,
    ),
    Metric(
        id="completion_funnel",
        title="From referral to completion",
        question="completion",
        definition="People referred, people who attended workshop 1, and people who completed both workshops.",
        unit="count",
        numerator="People at each stage",
        denominator="People referred",
        caveats="Recent referrals may not have reached their workshops yet.",
        source=SOURCE_REFERRALS,
        disclosure="people_count",
        queries=q(category="completion_by_period"),
    ),
    Metric(
        id="outcome_mix",
        title="Outcomes of referrals",
        question="completion",
        definition="People referred by current outcome: completed, breached (did not attend, case returned to the police), withdrawn, or in progress.",
        unit="count",
        numerator="People with each outcome",
        denominator="People referred",
        caveats="A breach returns the case to the police, who decide what happens next; that is not recorded here.",
        source=SOURCE_REFERRALS,
        disclosure="people_count",
        queries=q(category="completion_by_period", period="completion_by_period", area="completion_by_area"),
    ),
    Metric(
        id="repeat_rate",
        title="Workshops repeated",
        question="completion",
        definition="People who missed one workshop and had to start both again, as a percentage of people referred.",
        unit="percent",
        numerator="People with at least one repeat",
        denominator="People referred",
        caveats="A repeat adds about a month or more to the time to completion.",
        source=SOURCE_REFERRALS,
        disclosure="people_rate",
        queries=q(total="completion_by_period", period="completion_by_period", area="completion_by_area"),
        higher_is_better=False,
    ),
    Metric(
        id="days_to_completion",
        title="Days from caution to completion",
        question="completion",
        definition="Median (and interquartile range) of days from the caution to completing workshop 2.",
        unit="days",
        numerator="Days from caution to completion",
        denominator="People who completed",
        caveats="Includes time added by repeats and by the pause in the first COVID-19 lockdown.",
        source=SOURCE_REFERRALS,
        disclosure="people_statistic",
        queries=q(total="days_from_caution", period="days_from_caution"),
        sql_params=(("step", "completion"),),
        higher_is_better=False,
    ),
    # 4. Participant survey
    Metric(
        id="survey_agree",
        title="Participants agreeing",
        question="survey",
        definition="Survey respondents answering Agree or Strongly agree, as a percentage of respondents to that question, by date of the survey.",
        unit="percent",
        numerator="Respondents who agree or strongly agree",
        denominator="Respondents to the question",
        caveats="Self-reported at the end of the workshops by people who completed them; not a measure of behaviour. Interval: Wilson 95%.",
        source=SOURCE_SURVEY,
        disclosure="people_rate",
        queries=q(total="survey_by_period", period="survey_by_period", area="survey_by_area"),
        higher_is_better=True,
    ),
    Metric(
        id="survey_distribution",
        title="Answers to each survey question",
        question="survey",
        definition="Respondents giving each answer on the five-point scale, from Strongly disagree to Strongly agree.",
        unit="count",
        numerator="Respondents giving the answer",
        denominator="Respondents to the question",
        caveats="People who did not complete the workshops were not surveyed.",
        source=SOURCE_SURVEY,
        disclosure="people_count",
        queries=q(category="survey_answers"),
    ),
    Metric(
        id="survey_response_rate",
        title="Survey response rate",
        question="survey",
        definition="People who completed the workshops in the period and answered the survey, as a percentage of all who completed.",
        unit="percent",
        numerator="Completers who answered the survey",
        denominator="People who completed the workshops",
        caveats="If those who do not respond differ from those who do, the survey results are biased.",
        source=SOURCE_SURVEY,
        disclosure="people_rate",
        queries=q(total="survey_response_by_period", period="survey_response_by_period"),
        higher_is_better=True,
    ),
    # 5. Reoffending
    Metric(
        id="reoffending_rate",
        title="Proven reoffending within a year",
        question="reoffending",
        definition="People with a proven reoffence within 12 months of their caution, as a percentage of the cohort: everyone referred to CARA (intention to treat), against the comparison group.",
        unit="percent",
        numerator="People with at least one proven reoffence",
        denominator="People in the cohort with a complete follow-up",
        caveats=f"{MOJ_CAVEAT} {COMPARISON_CAVEAT} No comparison is claimed when either group has fewer than 60 people.",
        source=SOURCE_REOFFENDING,
        disclosure="people_rate",
        queries=q(total="reoffending_people", area="reoffending_by_area"),
        higher_is_better=False,
    ),
    Metric(
        id="reoffending_rate_da",
        title="Proven domestic-abuse reoffending within a year",
        question="reoffending",
        definition="As the proven reoffending rate, counting only reoffences flagged as domestic-abuse related.",
        unit="percent",
        numerator="People with at least one proven domestic-abuse reoffence",
        denominator="People in the cohort with a complete follow-up",
        caveats=f"{MOJ_CAVEAT} {COMPARISON_CAVEAT}",
        source=SOURCE_REOFFENDING,
        disclosure="people_rate",
        queries=q(total="reoffending_people"),
        higher_is_better=False,
    ),
    Metric(
        id="reoffending_frequency",
        title="Proven reoffences per 100 people",
        question="reoffending",
        definition="Proven reoffences within 12 months, per 100 people in the cohort.",
        unit="per_100",
        numerator="Proven reoffences",
        denominator="People in the cohort with a complete follow-up",
        caveats=f"{MOJ_CAVEAT} Interval: normal approximation to the difference of means (Welch).",
        source=SOURCE_REOFFENDING,
        disclosure="people_statistic",
        queries=q(total="reoffending_people"),
        higher_is_better=False,
    ),
    Metric(
        id="reoffending_harm",
        title="Crime harm of reoffending",
        question="reoffending",
        definition="Cambridge Crime Harm Index days (the days of imprisonment recommended for each offence) of proven reoffences within 12 months, per person in the cohort.",
        unit="days",
        numerator="Crime-harm days of proven reoffences",
        denominator="People in the cohort with a complete follow-up",
        caveats=f"{MOJ_CAVEAT} A few serious offences dominate the total, so the mean is volatile.",
        source=SOURCE_REOFFENDING,
        disclosure="people_statistic",
        queries=q(total="reoffending_people"),
        higher_is_better=False,
    ),
    Metric(
        id="time_to_reoffence",
        title="Time to first proven reoffence",
        question="reoffending",
        definition="Kaplan-Meier estimate of the percentage of people with a proven reoffence by each day of the first year after their caution.",
        unit="percent",
        numerator="People with a first proven reoffence by that day",
        denominator="People still being followed up on that day",
        caveats=f"{MOJ_CAVEAT} 95% band: Greenwood variance, log-log transformed.",
        source=SOURCE_REOFFENDING,
        disclosure="people_statistic",
        queries=q(category="reoffending_people"),
        higher_is_better=False,
    ),
    Metric(
        id="reoffending_completers",
        title="Proven reoffending: completers against comparison",
        question="reoffending",
        definition="Proven reoffending rate of people who completed CARA, against the comparison group.",
        unit="percent",
        numerator="Completers with at least one proven reoffence",
        denominator="Completers with a complete follow-up",
        caveats=f"Selection bias: people who complete differ from those who do not (motivation, stability), so this flatters CARA; the intention-to-treat comparison (everyone referred) is the headline. {MOJ_CAVEAT}",
        source=SOURCE_REOFFENDING,
        disclosure="people_rate",
        queries=q(total="reoffending_people"),
        higher_is_better=False,
    ),
)

_VALUE_ASSUMPTION = (
    "Assumes the difference in reoffending measured for cohorts with a complete follow-up applies to everyone "
    "referred in the period, and that each domestic-abuse reoffence avoided spares one victim the average "
    "social and economic cost. The comparison group is not randomised."
)

_METRICS = _METRICS + (
    # Value for money (commissioner view)
    Metric(
        id="programme_cost",
        title="Programme cost",
        question="value",
        definition="What the PCC paid for CARA in the period, each year's payments converted to one price year (the "
                   "selection's last financial year) with HM Treasury's GDP deflators.",
        unit="gbp",
        numerator="Payments for CARA",
        denominator="None (a total)",
        caveats="Costs are held for the whole contract, not by area, so area filters do not change them. Without a "
                "GDP deflator table the pounds are cash (the prices of the year paid), and the figures say so.",
        source=f"{SOURCE_COSTS} {SOURCE_DEFLATORS}",
        disclosure="not_published",
        queries=q(total="value_costs", period="costs_by_quarter"),
    ),
    Metric(
        id="cost_per_referral",
        title="Cost per person referred",
        question="value",
        definition="Programme cost in the period divided by the people referred in the period.",
        unit="gbp",
        numerator="Programme cost, each year's cash converted to the stated price year with HM Treasury's GDP deflators",
        denominator="People referred to CARA",
        caveats="Uses the force's referrals whatever area is chosen, because costs are not split by area.",
        source=f"{SOURCE_COSTS} {SOURCE_REFERRALS} {SOURCE_DEFLATORS}",
        disclosure="not_published",
        queries=q(total="value_costs", period="value_costs"),
        higher_is_better=False,
    ),
    Metric(
        id="cost_per_completion",
        title="Cost per person completing",
        question="value",
        definition="Programme cost in the period divided by the people referred in the period who completed both workshops.",
        unit="gbp",
        numerator="Programme cost",
        denominator="People who completed",
        caveats="Recent referrals still in progress lower the count of completions, so the latest year looks dearer until they close.",
        source=f"{SOURCE_COSTS} {SOURCE_REFERRALS}",
        disclosure="not_published",
        queries=q(total="value_costs", period="value_costs"),
        higher_is_better=False,
    ),
    Metric(
        id="reoffences_avoided",
        title="Reoffences avoided (estimate)",
        question="value",
        definition="Difference in proven reoffences per person (comparison minus everyone referred) multiplied by the people referred in the period, with its 95% confidence interval.",
        unit="count",
        numerator="Proven reoffences per person, comparison minus CARA (intention to treat)",
        denominator="None (scaled by people referred)",
        caveats=_VALUE_ASSUMPTION,
        source=SOURCE_REOFFENDING,
        disclosure="not_published",
        queries=q(total=("value_costs", "reoffending_people")),
    ),
    Metric(
        id="harm_avoided",
        title="Crime harm avoided (estimate)",
        question="value",
        definition="Difference in Cambridge Crime Harm Index days per person (comparison minus everyone referred) multiplied by the people referred in the period.",
        unit="days",
        numerator="Crime-harm days per person, comparison minus CARA",
        denominator="None (scaled by people referred)",
        caveats=_VALUE_ASSUMPTION + " A few serious offences dominate crime harm, so the interval is wide.",
        source=SOURCE_REOFFENDING,
        disclosure="not_published",
        queries=q(total=("value_costs", "reoffending_people")),
    ),
    Metric(
        id="benefit_cost_ratio",
        title="Benefit-cost ratio (estimate)",
        question="value",
        definition="Estimated social and economic cost of domestic abuse avoided (domestic-abuse reoffences avoided multiplied by the cost per victim) divided by the programme cost; above 1 means more is saved than spent.",
        unit="ratio",
        numerator="Domestic-abuse reoffences avoided x cost per victim (Home Office 2019: £34,015 at 2016/17 prices, adjustable), "
                  "converted to the stated price year with HM Treasury's GDP deflators",
        denominator="Programme cost, in the same price year",
        caveats=_VALUE_ASSUMPTION + " Published ratios for CARA: 2.75 and 11.1 (Karavias et al. 2023).",
        source=f"{SOURCE_REOFFENDING} {SOURCE_COSTS} Home Office Research Report 107 (Oliver et al. 2019). {SOURCE_DEFLATORS}",
        disclosure="not_published",
        queries=q(total=("value_costs", "reoffending_people")),
        higher_is_better=True,
    ),
    # Data quality (commissioner view)
    Metric(
        id="table_freshness",
        title="How up to date each table is",
        question="quality",
        definition="For each table, the rows held and the first and last date they cover, against the date the data is said to run to.",
        unit="count",
        numerator="Rows in the table",
        denominator="None (a count)",
        caveats="A table whose last date is well before the data-as-at date may be missing a recent extract.",
        source="Warehouse manifest and tables.",
        disclosure="not_published",
        queries=q(category="quality_freshness"),
    ),
    Metric(
        id="field_completeness",
        title="Completeness of key fields",
        question="quality",
        definition="For each key field, the percentage of records that have a value where one is expected.",
        unit="percent",
        numerator="Records with the field filled in",
        denominator="Records where the field is expected",
        caveats="An empty proven date can be correct (not proven yet); the survey row is the response rate.",
        source="Warehouse tables.",
        disclosure="not_published",
        queries=q(category="quality_completeness"),
        higher_is_better=True,
    ),
)

SOURCE_ONS_DA = ("ONS, Domestic abuse in England and Wales data tool: domestic abuse-related crimes recorded by the "
                 "police, by police force area and year ending March.")

_METRICS = _METRICS + (
    # The official public series (issue 13): reconciliation and the force against every force.
    Metric(
        id="da_reconciliation",
        title="Force extract against the official ONS domestic-abuse series",
        question="quality",
        definition=("For each financial year that both cover, the domestic-abuse-flagged crimes in the force's own "
                    "extract and the ONS count of domestic abuse-related crimes for the force, the difference "
                    "(extract minus ONS) in crimes and as a percentage of the ONS count; a gap over 2% is flagged."),
        unit="percent",
        numerator="Extract count minus ONS count",
        denominator="ONS count of domestic abuse-related crimes",
        caveats=("Always the whole force, whatever area is chosen (the ONS series is by force). A year the extract "
                 "covers only in part is listed but not compared. Small gaps are expected: the ONS figures are "
                 "taken at a fixed date and later reclassifications are not carried back."),
        source=f"{SOURCE_CRIME.split(';')[0]}; {SOURCE_ONS_DA}",
        disclosure="not_published",
        requires=("da_crime_ons",),
        queries=q(period="da_reconciliation"),
    ),
    Metric(
        id="da_share_ons",
        title="Domestic abuse-related share of recorded crime, every force (ONS)",
        question="crime",
        definition=("The percentage of all police recorded crime (excluding fraud) that was domestic abuse-related, "
                    "for every force and England and Wales, as ONS publishes it, for the latest year in the "
                    "selection; with the count and the rate per 1,000 population."),
        unit="percent",
        numerator="Domestic abuse-related crimes (ONS)",
        denominator="All police recorded crime excluding fraud (ONS)",
        caveats=("As published: forces flag domestic abuse with different accuracy, so some of the difference "
                 "between forces is recording practice. A force the ONS marks as not available ([x]) has no figure."),
        source=SOURCE_ONS_DA,
        disclosure="crime_count",
        requires=("da_crime_ons",),
        queries=q(area="da_ons_forces"),
    ),
)

METRICS: dict[str, Metric] = {m.id: m for m in _METRICS}


def get(metric_id: str) -> Metric:
    try:
        return METRICS[metric_id]
    except KeyError:
        raise KeyError(f"no metric {metric_id!r} is registered; known: {', '.join(METRICS)}") from None
