"""Question 4: what participants say (agreement with each statement, answers, response rate).

Agreement rows are one per survey question (``category`` = question id); the headline
statement is ``attitude`` ("changed my attitude towards my partner"). The survey is a
census of completers, not a sample of a population, but the Wilson interval still says how
much a rate could move with a different group of the same size.
"""

from __future__ import annotations

import pandas as pd

from ..ask import Ask
from ..result import frame
from ..rules import as_date, not_ended, rate
from . import answers

HEADLINE_QUESTION = "attitude"


@answers("survey_agree", "period")
def agree_by_period(a: Ask) -> pd.DataFrame:
    df = a.query("survey_by_period")
    return frame([{"area_code": a.area, "period": a.label(as_date(r["period_start"])), "period_start": as_date(r["period_start"]),
                   "category": r["question_id"], **rate(float(r["agree"]), float(r["n"])),
                   "provisional": not_ended(as_date(r["period_start"]), a.grain, a.as_at)} for r in df.to_dict("records")])


@answers("survey_agree", "total")
def agree_total(a: Ask) -> pd.DataFrame:
    """Each question over the whole selection (the per-year counts summed)."""
    df = a.query("survey_by_period", grain="year")
    f = a.selection
    if df.empty:
        return frame([])
    g = df.groupby("question_id", sort=False)[["agree", "n"]].sum()
    order = sorted(g.index, key=lambda q: (q != HEADLINE_QUESTION, q))
    return frame([{"area_code": f.area_code, "period": f.label, "category": q,
                   **rate(float(g.loc[q, "agree"]), float(g.loc[q, "n"])), "provisional": f.date_to > a.as_at} for q in order])


@answers("survey_agree", "area")
def agree_by_area(a: Ask) -> pd.DataFrame:
    df = a.query("survey_by_area")
    f = a.selection
    return frame([{"area_code": r["area_code"], "period": f.label, "category": r["question_id"],
                   **rate(float(r["agree"]), float(r["n"])), "area_name": r["area_name"], "area_type": r["area_type"]}
                  for r in df.to_dict("records")])


@answers("survey_distribution", "category")
def distribution(a: Ask) -> pd.DataFrame:
    """One row per question and answer ('attitude:5'); value = respondents giving it."""
    df = a.query("survey_answers")
    n = df.groupby("question_id")["responses"].sum().to_dict() if len(df) else {}
    return frame([{"area_code": a.area, "period": a.selection.label, "category": f"{r['question_id']}:{int(r['answer'])}",
                   "value": r["responses"], "numerator": r["responses"], "denominator": n[r["question_id"]],
                   "question_id": r["question_id"], "answer": int(r["answer"])} for r in df.to_dict("records")])


@answers("survey_response_rate", "period")
def response_by_period(a: Ask) -> pd.DataFrame:
    df = a.query("survey_response_by_period")
    return frame([{"area_code": a.area, "period": a.label(as_date(r["period_start"])), "period_start": as_date(r["period_start"]),
                   **rate(float(r["respondents"]), float(r["completers"])),
                   "provisional": not_ended(as_date(r["period_start"]), a.grain, a.as_at)} for r in df.to_dict("records")])


@answers("survey_response_rate", "total")
def response_total(a: Ask) -> pd.DataFrame:
    df = a.query("survey_response_by_period", grain="year")
    f = a.selection
    x, n = (float(df["respondents"].sum()), float(df["completers"].sum())) if len(df) else (0.0, 0.0)
    return frame([{"area_code": f.area_code, "period": f.label, **rate(x, n), "provisional": f.date_to > a.as_at}] if n else [])
