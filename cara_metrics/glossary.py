"""The glossary: every technical word the staff and public pages use, in plain English.

Written once, here, and shown a click away on every staff page (``ui.glossary()``, an
expander under the page title) and as a section of the public methodology page
(``ui_public.glossary()``), so the two audiences read the same explanation.

Assumptions: the terms are those the pages, tiles, footers and downloads actually print
(tests/test_glossary.py checks that the main ones are here). Explanations are for a reader
with no statistics: what the word means here, and how to read a figure that carries it.
"""

from __future__ import annotations

#: Term -> what it means, in the order a reader meets them (counts, then comparisons, then
#: the programme's own words, then the symbols).
TERMS: dict[str, str] = {
    "n": "The number of people (or crimes, or answers) a figure is based on. \"n = 242 people\" means the rate was "
         "worked out from 242 people; the smaller n is, the less certain the figure.",
    "Percentage points": "The difference between two percentages: going from 80% to 84% is a rise of 4 percentage "
                         "points (not 4%).",
    "95% confidence interval (95% CI)": "The range the true figure is likely to lie in, allowing for chance: "
                                        "\"likely between 2 and 11 fewer per 100\". If the same work were repeated many "
                                        "times, 95 in 100 such ranges would hold the true figure. A range that includes "
                                        "no difference (for example \"between 4 fewer and 18 more\") means the data "
                                        "cannot tell whether there is a difference.",
    "Wilson interval": "The method used for the 95% confidence interval of a single rate (such as a completion rate). "
                       "It behaves well when numbers are small or the rate is near 0% or 100%.",
    "Newcombe interval": "The method used for the 95% confidence interval of a difference between two rates (such as "
                         "CARA against the comparison group), built from each group's Wilson interval.",
    "p (p-value)": "How often a difference at least this large would turn up by chance alone if there were really no "
                   "difference. p = 0.002 means about 2 times in 1,000. A small p says chance alone is an unlikely "
                   "explanation; it does not say what caused the difference.",
    "Clear difference (statistically significant)": "The 95% confidence interval of the difference does not include "
                                                     "zero (p below 0.05). It does not mean the difference is large, "
                                                     "or that CARA caused it.",
    "Comparison group": "People given a domestic-abuse caution before CARA began (2017 to 2019) who would have been "
                        "eligible for it. They were not chosen at random, and they were cautioned before COVID-19, so "
                        "a difference may partly reflect other changes over time: this is a before-and-after "
                        "comparison, not a trial.",
    "Intention to treat": "Everyone referred to CARA is counted, whether or not they completed the workshops, so the "
                          "result is not flattered by leaving out those who dropped out.",
    "Proven reoffending": "An offence committed within 12 months of the caution and proven by a conviction or caution "
                          "within that time or a further 6 months (the Ministry of Justice measure).",
    "Kaplan-Meier": "A way to draw how the share of people who have reoffended grows over the days after their "
                    "caution, counting each person only for as long as they have been followed.",
    "Crime harm": "Offences weighted by how harmful they are (the Cambridge Crime Harm Index: the days in prison a "
                  "first offender would be recommended for the offence), so a serious offence counts for more than "
                  "a minor one.",
    "Benefit-cost ratio": "The estimated money saved for every £1 spent: a ratio of 5 means about £5 back for every £1. "
                          "Savings assume the whole difference in reoffending is due to CARA.",
    "Price year (2024/25 prices)": "Pounds from different years are put in one year's prices so they can be added and "
                                   "compared: because prices have risen, £100 spent in 2016/17 is more than £100 in 2024/25 "
                                   "prices. The conversion uses HM Treasury's GDP deflators, a measure of general "
                                   "inflation in the economy.",
    "DASH": "The Domestic Abuse, Stalking and Harassment and Honour-based violence risk checklist the police complete "
            "at a domestic-abuse incident. Only standard and medium-risk cases are eligible for CARA; high-risk cases "
            "are not.",
    "Completion rate": "People who completed both workshops, as a share of closed cases (completed, breached or "
                       "withdrawn). Cases still in progress are left out until they close.",
    "Financial year": "April to March: 2024/25 runs from 1 April 2024 to 31 March 2025. Quarter 1 is April to June.",
    "Community safety partnership": "The police, council and other local services working together on crime in an "
                                    "area; in Dorset, one for Bournemouth, Christchurch and Poole and one for Dorset "
                                    "Council's area.",
    "[p] provisional": "The figure can still change: the year is not over, or cases are still open. It is not compared "
                       "with other years.",
    "[b] break in series": "The way the figures are counted changed at this point (in April 2019 for recorded crime), "
                           "so figures either side of it are not compared.",
    "[c] confidential": "Not shown, to protect the people it describes (1 to 4 people, or a figure that would reveal "
                        "such a count).",
    "[u] low reliability": "Based on few people (under 30), so read it with care.",
}


def entries() -> list[tuple[str, str]]:
    """(term, explanation) pairs in reading order."""
    return list(TERMS.items())


def markdown() -> str:
    """The glossary as a Markdown list: '- **term**: explanation'."""
    return "\n".join(f"- **{term}**: {text}" for term, text in TERMS.items())
