"""Synthetic data, calibrated to published figures, written as a complete data root.

Nothing here is real: no Dorset CARA referral, completion or outcome figures are
published, so those are drawn at random around the programme-reported and trial figures
(``../shared/reference/FACTS.md``). Recorded crime is calibrated so that the force totals
match the published financial-year figures exactly where they exist (2018/19: 55,028
crimes, 6,871 domestic-abuse related = 12.5%) and follows the published changes
elsewhere; months, areas and offence codes are then drawn with multinomial noise, so small
areas and quarters are as lumpy as real ones.

Same seed, same data: every draw comes from one ``numpy.random.Generator`` seeded once,
in a fixed order, and Parquet files are written with fixed settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import contract as C
from .dataroot import write_version
from .ingest.public import lookup_geography

# --- calibration -----------------------------------------------------------------------

#: Dorset force-level recorded crime by financial year start: (all crimes, DA-related).
#: 2016/17-2018/19 force series (PCC); 2019/20-2021/22 ONS/Home Office series via press
#: (totals derived from the published DA share); 2022/23 +1.4% and 2023/24 -3.1% (Dorset
#: Police); 2024/25 assumed -1.5%. DA counts after 2021/22 are assumptions.
DORSET_CRIME = {
    2016: (49_870, 5_391),
    2017: (52_640, 6_156),
    2018: (55_028, 6_871),
    2019: (53_300, 9_059),
    2020: (45_800, 9_159),
    2021: (50_180, 9_477),
    2022: (50_883, 9_350),
    2023: (49_306, 9_120),
    2024: (48_566, 8_930),
}
#: The break in series: the force's own DA series up to 2018/19, the Home Office/ONS
#: flagged series from 2019/20, which counts more offences as DA-related.
DORSET_BREAK = dt.date(2019, 4, 1)

FORCE_CODE = "E23000039"
BCP = "E06000058"
DORSET = "E06000059"

#: The force's rows of the ONS "LAD to CSP to PFA" lookup (December 2023), as published
#: (ObjectId left out): row number, LAD, CSP and PFA code and name. The demo's areas are built
#: from them by the same function ``ingest`` uses on the whole file, so the demo's geography is
#: exactly what loading the real lookup gives for Dorset (tests/test_synth_geography.py checks
#: it): Bournemouth, Christchurch and Poole sits in three CSPs and has the force as parent.
DORSET_LOOKUP_ROWS: tuple[tuple[int, str, str, str, str, str, str], ...] = (
    (55, BCP, "Bournemouth, Christchurch and Poole", "E22000063", "Bournemouth", FORCE_CODE, "Dorset"),
    (56, BCP, "Bournemouth, Christchurch and Poole", "E22000067", "Poole", FORCE_CODE, "Dorset"),
    (113, BCP, "Bournemouth, Christchurch and Poole", "E22000367", "Dorset", FORCE_CODE, "Dorset"),
    (114, DORSET, "Dorset", "E22000367", "Dorset", FORCE_CODE, "Dorset"),
)

#: Former districts and an approximate share of their successor's population.
OLD_DISTRICTS = {
    "E06000028": ("Bournemouth", BCP, 0.49),
    "E06000029": ("Poole", BCP, 0.38),
    "E07000048": ("Christchurch", BCP, 0.13),
    "E07000049": ("East Dorset", DORSET, 0.23),
    "E07000050": ("North Dorset", DORSET, 0.19),
    "E07000051": ("Purbeck", DORSET, 0.12),
    "E07000052": ("West Dorset", DORSET, 0.27),
    "E07000053": ("Weymouth and Portland", DORSET, 0.19),
}
#: Mid-year population: published for 2018, 2019 and Census 2021; others interpolated.
DORSET_POPULATION = {
    BCP: {2016: 393_900, 2017: 395_100, 2018: 395_780, 2019: 395_300, 2020: 397_600, 2021: 400_192, 2022: 401_900, 2023: 403_700, 2024: 405_300},
    DORSET: {2016: 373_600, 2017: 375_200, 2018: 376_480, 2019: 378_500, 2020: 379_200, 2021: 379_578, 2022: 381_200, 2023: 382_800, 2024: 384_100},
}

#: Home Office offence codes used, their group, share of DA crime, share of other crime,
#: and a Cambridge Crime Harm Index weight (days) for later offences.
OFFENCES = [
    # code, description, group, DA share, non-DA share, harm days
    ("105A", "Assault without injury", "Violence against the person", 0.30, 0.11, 2.0),
    ("8N", "Assault with injury", "Violence against the person", 0.20, 0.08, 30.0),
    ("8L", "Harassment", "Violence against the person", 0.14, 0.05, 7.0),
    ("8Q", "Stalking", "Violence against the person", 0.07, 0.01, 30.0),
    ("9A", "Public fear, alarm or distress", "Public order offences", 0.08, 0.07, 1.0),
    ("58A", "Criminal damage to a dwelling", "Criminal damage and arson", 0.07, 0.03, 3.0),
    ("58C", "Criminal damage to a vehicle", "Criminal damage and arson", 0.02, 0.05, 3.0),
    ("17A", "Sexual assault on a female aged 13 and over", "Sexual offences", 0.03, 0.015, 365.0),
    ("19C", "Rape of a female aged 16 and over", "Sexual offences", 0.03, 0.01, 1825.0),
    ("49", "Other theft", "Theft offences", 0.03, 0.14, 2.0),
    ("46", "Shoplifting", "Theft offences", 0.0, 0.12, 1.0),
    ("28E", "Burglary - residential", "Burglary", 0.01, 0.05, 30.0),
    ("45", "Theft from a vehicle", "Vehicle offences", 0.0, 0.05, 2.0),
    ("34B", "Robbery of personal property", "Robbery", 0.005, 0.01, 365.0),
    ("92D", "Possession of other drugs", "Drug offences", 0.0, 0.06, 1.0),
    ("10A", "Possession of article with a blade or point", "Possession of weapons offences", 0.005, 0.02, 30.0),
    ("195", "Other crimes against society", "Miscellaneous crimes against society", 0.0, 0.115, 1.0),
]

#: Monthly seasonality of recorded crime (April first): summer high, winter low.
SEASON = np.array([1.00, 1.05, 1.06, 1.09, 1.07, 1.00, 1.00, 0.95, 0.93, 0.91, 0.93, 1.01])

CARA_START = dt.date(2019, 8, 1)
COVID_LOCKDOWN = dt.date(2020, 3, 23)
WORKSHOPS_RESUMED = dt.date(2020, 8, 1)
AS_AT = dt.date(2025, 3, 31)

SURVEY_QUESTIONS = [
    ("attitude", "The workshops changed my attitude towards my partner.", 0.94),
    ("relationship", "The workshops helped me with issues in my relationship.", 0.91),
    ("understand_impact", "I understand better how my behaviour affects my partner and family.", 0.90),
    ("would_recommend", "I would recommend the workshops to someone in my position.", 0.86),
]

#: Comparison group: domestic-abuse cautions of eligible people before CARA started.
COMPARISON_FROM = dt.date(2017, 4, 1)
#: Probability of a proven reoffence within 12 months (comparison; CARA about a third lower).
P_REOFFEND_COMPARISON = 0.31
P_REOFFEND_CARA = {"completed": 0.19, "breached": 0.37, "withdrawn": 0.29, "in_progress": 0.21}
#: Of reoffences, share domestic-abuse related.
P_DA_REOFFENCE = 0.6


@dataclass(frozen=True)
class Scale:
    """Knobs that distinguish the Dorset demo from the national stress data."""

    name: str
    first_fy: int
    last_fy: int
    referrals_per_100k_month: float
    female_share: float


DORSET_SCALE = Scale("dorset", 2016, 2024, referrals_per_100k_month=2.9, female_share=0.0)
NATIONAL_SCALE = Scale("national", 2015, 2024, referrals_per_100k_month=3.9, female_share=0.05)


def _months(first_fy: int, last_fy: int) -> list[dt.date]:
    out = []
    for fy in range(first_fy, last_fy + 1):
        for i in range(12):
            m = 4 + i
            out.append(dt.date(fy + (m - 1) // 12, (m - 1) % 12 + 1, 1))
    return out


def _covid_factor(month: dt.date) -> float:
    """Recorded crime fell sharply in the first lockdown (April-May 2020)."""
    return {dt.date(2020, 4, 1): 0.78, dt.date(2020, 5, 1): 0.86, dt.date(2020, 6, 1): 0.95,
            dt.date(2021, 1, 1): 0.90, dt.date(2021, 2, 1): 0.92}.get(month, 1.0)


def _to_days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


# --- crime ---------------------------------------------------------------------------------


def _crime_for_area_set(
    rng: np.random.Generator,
    fy_totals: dict[int, tuple[int, int]],
    areas_for_month,  # month -> list of (original code, current code, weight)
    series_for_month,  # month -> series label
) -> pa.Table:
    """Split force financial-year totals into month x area x offence x DA-flag counts.

    Totals are exact per financial year; each split is a multinomial draw, so the sum
    of the parts equals the published total and small cells are noisy.
    """
    offence_codes = np.array([o[0] for o in OFFENCES])
    offence_groups = np.array([o[2] for o in OFFENCES])
    p_da = np.array([o[3] for o in OFFENCES], dtype=float)
    p_da /= p_da.sum()
    p_other = np.array([o[4] for o in OFFENCES], dtype=float)
    p_other /= p_other.sum()

    cols: dict[str, list] = {k: [] for k in ("month", "area_code", "area_code_original", "offence_code", "offence_group", "da_flag", "offences", "series")}
    for fy, (total, da) in sorted(fy_totals.items()):
        months = _months(fy, fy)
        w = SEASON * np.array([_covid_factor(m) for m in months])
        w = w / w.sum()
        for flag, n_fy, p_off in ((True, da, p_da), (False, total - da, p_other)):
            per_month = rng.multinomial(n_fy, w)
            for m, n_m in zip(months, per_month):
                areas = areas_for_month(m)
                aw = np.array([a[2] for a in areas], dtype=float)
                per_area = rng.multinomial(n_m, aw / aw.sum())
                for (orig, cur, _), n_a in zip(areas, per_area):
                    per_off = rng.multinomial(n_a, p_off)
                    keep = per_off > 0
                    k = int(keep.sum())
                    cols["month"].extend([m] * k)
                    cols["area_code"].extend([cur] * k)
                    cols["area_code_original"].extend([orig] * k)
                    cols["offence_code"].extend(offence_codes[keep].tolist())
                    cols["offence_group"].extend(offence_groups[keep].tolist())
                    cols["da_flag"].extend([flag] * k)
                    cols["offences"].extend(per_off[keep].tolist())
                    cols["series"].extend([series_for_month(m)] * k)
    return pa.table(cols, schema=C.arrow_schema(C.CRIME))


# --- people ----------------------------------------------------------------------------------


def _next_saturday(days: np.ndarray) -> np.ndarray:
    """Workshops run on Saturdays: move each day number forward to a Saturday."""
    # 1970-01-01 was a Thursday (weekday 3 with Monday = 0); Saturday is 5.
    weekday = (days + 3) % 7
    return days + (5 - weekday) % 7


def _pause_covid(days: np.ndarray) -> np.ndarray:
    """No workshops ran between the first lockdown and August 2020."""
    lo, hi = _to_days(COVID_LOCKDOWN), _to_days(WORKSHOPS_RESUMED)
    inside = (days >= lo) & (days < hi)
    return np.where(inside, _next_saturday(days - lo + hi), days)


def _referrals(
    rng: np.random.Generator,
    scale: Scale,
    la_codes: list[str],
    la_pop: list[int],
    id_prefix: str,
    start: dt.date = CARA_START,
) -> dict[str, np.ndarray]:
    """CARA referrals from ``start`` to AS_AT: a Poisson number per month and area."""
    months = [m for m in _months(start.year if start.month >= 4 else start.year - 1, scale.last_fy) if m >= start]
    rows_area, rows_day = [], []
    for i, m in enumerate(months):
        ramp = min(1.0, 0.35 + 0.1 * i)  # the programme took a few months to build up
        covid = 0.45 if dt.date(2020, 4, 1) <= m <= dt.date(2020, 6, 1) else 1.0
        month_len = ((m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - m).days
        for code, pop in zip(la_codes, la_pop):
            lam = scale.referrals_per_100k_month * pop / 100_000 * ramp * covid
            n = int(rng.poisson(lam))
            rows_area.extend([code] * n)
            rows_day.extend((_to_days(m) + rng.integers(0, month_len, n)).tolist())
    n = len(rows_day)
    caution = np.array(rows_day, dtype="int64")
    order = np.argsort(caution, kind="stable")
    caution = caution[order]
    area = np.array(rows_area, dtype=object)[order]
    as_at = _to_days(AS_AT)

    age = rng.choice(C.AGE_BANDS, n, p=[0.17, 0.33, 0.25, 0.16, 0.09])
    sex = np.where(rng.random(n) < scale.female_share, "female", "male")
    offence = rng.choice(C.INDEX_OFFENCES, n, p=[0.46, 0.18, 0.12, 0.17, 0.07])
    dash = np.where(rng.random(n) < 0.32, "medium", "standard")

    w1_plan = _pause_covid(_next_saturday(caution + rng.integers(10, 40, n)))
    repeats = (rng.random(n) < 0.09).astype("int64") + (rng.random(n) < 0.01).astype("int64")
    w1 = _pause_covid(_next_saturday(w1_plan + repeats * rng.integers(35, 56, n)))
    w2 = _pause_covid(_next_saturday(w1 + rng.integers(28, 36, n)))

    u = rng.random(n)
    # Of cases that close: about 84% complete, 11% breach, 5% withdraw (assumption).
    fate = np.where(u < 0.84, "completed", np.where(u < 0.95, "breached", "withdrawn"))
    attended_w1 = (fate == "completed") | (rng.random(n) < 0.55)
    outcome = fate.astype(object)
    outcome_day = np.where(fate == "completed", w2, np.where(attended_w1, w2 + 14, w1_plan + 14)).astype("int64")
    # Anything not resolved by the as-at date is still in progress.
    open_ = outcome_day > as_at
    outcome[open_] = "in_progress"
    w1_att = np.where(attended_w1 & (w1 <= as_at), w1, -1)
    w2_att = np.where((fate == "completed") & (w2 <= as_at), w2, -1)
    return {
        "person_id": np.array([f"{id_prefix}{i:06d}" for i in range(n)], dtype=object),
        "caution_date": caution,
        "area_code": area,
        "age_band": age,
        "sex": sex,
        "index_offence": offence,
        "dash_risk": dash,
        "workshop1_date": w1_att,
        "workshop2_date": w2_att,
        "repeats": repeats,
        "outcome": outcome,
        "outcome_date": np.where(open_, -1, outcome_day),
    }


def _date_col(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype="int64")
    return pa.array(days.astype("int32"), type=pa.int32(), mask=days < 0).cast(pa.date32())


def _referrals_table(r: dict[str, np.ndarray], original: np.ndarray | None = None) -> pa.Table:
    cols = {
        "person_id": pa.array(r["person_id"].tolist(), pa.string()),
        "caution_date": _date_col(r["caution_date"]),
        "area_code": pa.array(r["area_code"].tolist(), pa.string()),
        "area_code_original": pa.array((original if original is not None else r["area_code"]).tolist(), pa.string()),
        "age_band": pa.array(r["age_band"].tolist(), pa.string()),
        "sex": pa.array(r["sex"].tolist(), pa.string()),
        "index_offence": pa.array(r["index_offence"].tolist(), pa.string()),
        "dash_risk": pa.array(r["dash_risk"].tolist(), pa.string()),
        "workshop1_date": _date_col(r["workshop1_date"]),
        "workshop2_date": _date_col(r["workshop2_date"]),
        "repeats": pa.array(r["repeats"], pa.int64()),
        "outcome": pa.array(r["outcome"].tolist(), pa.string()),
        "outcome_date": _date_col(r["outcome_date"]),
    }
    return pa.table(cols, schema=C.arrow_schema(C.REFERRALS))


def _survey(rng: np.random.Generator, r: dict[str, np.ndarray]) -> pa.Table:
    """End-of-workshop survey: about 80% of completers answer every question.

    A person's latent warmth makes their answers agree with each other, as real survey
    answers do; each question's share agreeing is calibrated to its target.
    """
    completed = (r["outcome"] == "completed") & (r["workshop2_date"] >= 0)
    idx = np.flatnonzero(completed & (rng.random(len(completed)) < 0.8))
    latent = rng.normal(0, 1, len(idx))
    pid, qid, day, ans = [], [], [], []
    from statistics import NormalDist

    for q, _text, p_agree in SURVEY_QUESTIONS:
        z = latent * 0.8 + rng.normal(0, 0.6, len(idx))
        # Threshold so that P(z > t) = p_agree where z ~ N(0, 1).
        t = NormalDist().inv_cdf(1 - p_agree)
        a = np.where(z > t + 0.9, 5, np.where(z > t, 4, np.where(z > t - 0.5, 3, np.where(z > t - 1.2, 2, 1))))
        pid.extend(r["person_id"][idx].tolist())
        qid.extend([q] * len(idx))
        day.extend(r["workshop2_date"][idx].tolist())
        ans.extend(a.tolist())
    t = pa.table(
        {"person_id": pa.array(pid, pa.string()), "question_id": pa.array(qid, pa.string()),
         "response_date": _date_col(np.array(day, dtype="int64")), "answer": pa.array(ans, pa.int64())},
        schema=C.arrow_schema(C.SURVEY_RESPONSES),
    )
    return t


def _reoffences(rng: np.random.Generator, person_id: np.ndarray, index_day: np.ndarray, p12: np.ndarray) -> pa.Table:
    """Later offences for each cohort member, up to the as-at date.

    Time to first offence is exponential with the rate that gives probability ``p12``
    of a first offence within 365 days, so follow-up beyond a year continues smoothly.
    Further offences follow at exponential gaps (mean 120 days); 88% are proven, after a
    lag with mean 80 days.
    """
    as_at = _to_days(AS_AT)
    rate = -np.log(1 - p12) / 365.0
    first = index_day + np.ceil(rng.exponential(1 / rate)).astype("int64")
    n_more = rng.poisson(0.8, len(person_id))
    codes = [o[0] for o in OFFENCES]
    harm = {o[0]: o[5] for o in OFFENCES}
    da_codes = np.array(["105A", "8N", "8L", "8Q", "9A", "58A"])
    other_codes = np.array(["49", "46", "9A", "58C", "92D", "195", "8N"])
    pid, od, pd_, oc, daf, hd = [], [], [], [], [], []
    for i in np.flatnonzero(first <= as_at):
        days = [first[i]]
        for _ in range(n_more[i]):
            nxt = days[-1] + int(np.ceil(rng.exponential(120)))
            if nxt > as_at:
                break
            days.append(nxt)
        for d in days:
            is_da = rng.random() < P_DA_REOFFENCE
            code = str(rng.choice(da_codes if is_da else other_codes))
            proven = d + int(np.ceil(rng.gamma(2.0, 40.0)))
            pid.append(person_id[i])
            od.append(d)
            pd_.append(proven if (rng.random() < 0.88 and proven <= as_at) else -1)
            oc.append(code)
            daf.append(bool(is_da))
            hd.append(float(harm[code]))
    assert set(oc) <= set(codes)
    return pa.table(
        {"person_id": pa.array(pid, pa.string()), "offence_date": _date_col(np.array(od, dtype="int64")),
         "proven_date": _date_col(np.array(pd_, dtype="int64")), "offence_code": pa.array(oc, pa.string()),
         "da_flag": pa.array(daf, pa.bool_()), "harm_days": pa.array(hd, pa.float64())},
        schema=C.arrow_schema(C.REOFFENCES),
    )


def _comparison(rng: np.random.Generator, la_codes: list[str], la_pop: list[int], id_prefix: str, per_100k_month: float) -> dict[str, np.ndarray]:
    """The comparison group: eligible DA cautions from April 2017 to July 2019."""
    days, areas = [], []
    for m in [m for m in _months(2017, 2019) if COMPARISON_FROM <= m < CARA_START]:
        month_len = ((m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - m).days
        for code, pop in zip(la_codes, la_pop):
            n = int(rng.poisson(per_100k_month * pop / 100_000))
            areas.extend([code] * n)
            days.extend((_to_days(m) + rng.integers(0, month_len, n)).tolist())
    order = np.argsort(np.array(days, dtype="int64"), kind="stable")
    return {
        "person_id": np.array([f"{id_prefix}{i:06d}" for i in range(len(days))], dtype=object),
        "index_day": np.array(days, dtype="int64")[order],
        "area_code": np.array(areas, dtype=object)[order],
    }


def _cohort_table(ref: dict[str, np.ndarray], comp: dict[str, np.ndarray], original_of) -> pa.Table:
    pid = ref["person_id"].tolist() + comp["person_id"].tolist()
    grp = ["cara"] * len(ref["person_id"]) + ["comparison"] * len(comp["person_id"])
    day = np.concatenate([ref["caution_date"], comp["index_day"]])
    area = ref["area_code"].tolist() + comp["area_code"].tolist()
    orig = [original_of(a, d) for a, d in zip(area, day.tolist())]
    return pa.table(
        {"person_id": pa.array(pid, pa.string()), "group": pa.array(grp, pa.string()),
         "index_date": _date_col(day), "area_code": pa.array(area, pa.string()),
         "area_code_original": pa.array(orig, pa.string())},
        schema=C.arrow_schema(C.COHORT),
    )


def _costs(first_fy: int, last_fy: int, annual: float, rng: np.random.Generator) -> pa.Table:
    fy, q, cost, desc = [], [], [], []
    for y in range(first_fy, last_fy + 1):
        for quarter in range(1, 5):
            if y == 2019 and quarter == 1:
                continue  # contract started with the August 2019 launch
            base = annual / 4 * (1.03 ** (y - 2019))
            fy.append(C.financial_year_label(y))
            q.append(quarter)
            cost.append(round(float(base * rng.uniform(0.96, 1.04)), 2))
            desc.append("Workshop delivery contract")
    return pa.table({"financial_year": fy, "quarter": q, "cost_gbp": cost, "description": desc}, schema=C.arrow_schema(C.COSTS))


def _questions_table() -> pa.Table:
    return pa.table(
        {"question_id": [q[0] for q in SURVEY_QUESTIONS], "text": [q[1] for q in SURVEY_QUESTIONS],
         "scale": ["agree5"] * len(SURVEY_QUESTIONS), "agree_min": [4] * len(SURVEY_QUESTIONS)},
        schema=C.arrow_schema(C.SURVEY_QUESTIONS),
    )


def _breaks_table() -> pa.Table:
    return pa.table(
        {"break_date": [DORSET_BREAK], "series": ["crime"],
         "description": ["From April 2019 domestic-abuse counts come from the Home Office / ONS "
                         "flagged series, which flags more offences as domestic-abuse related than "
                         "the force series used before; part of the 2019/20 rise is this change."]},
        schema=C.arrow_schema(C.SERIES_BREAKS),
    )


# --- Dorset ----------------------------------------------------------------------------------------


def dorset_tables(seed: int) -> dict[str, pa.Table]:
    """All contract tables for the Dorset demo, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    geo = lookup_geography(list(DORSET_LOOKUP_ROWS))
    areas = pa.Table.from_pylist(geo.areas, schema=C.arrow_schema(C.AREAS))
    memberships = pa.Table.from_pylist(geo.memberships, schema=C.arrow_schema(C.AREA_MEMBERSHIPS))
    pop_rows = [(code, y, p) for code, by_year in DORSET_POPULATION.items() for y, p in by_year.items()]

    def areas_for_month(m: dt.date):
        fy = m.year if m.month >= 4 else m.year - 1
        pops = {code: DORSET_POPULATION[code][fy] for code in (BCP, DORSET)}
        if m < DORSET_BREAK:
            return [(code, succ, pops[succ] * share) for code, (_n, succ, share) in OLD_DISTRICTS.items()]
        # BCP is more urban and records a little more crime per resident.
        return [(BCP, BCP, pops[BCP] * 1.12), (DORSET, DORSET, pops[DORSET])]

    crime = _crime_for_area_set(rng, DORSET_CRIME, areas_for_month, lambda m: "force" if m < DORSET_BREAK else "home_office")

    la, pop = [BCP, DORSET], [DORSET_POPULATION[BCP][2019], DORSET_POPULATION[DORSET][2019]]
    ref = _referrals(rng, DORSET_SCALE, la, pop, "DOR-P")
    comp = _comparison(rng, la, pop, "DOR-C", per_100k_month=2.2)
    by_succ: dict[str, list[tuple[str, float]]] = {}
    for code, (_n, succ, share) in OLD_DISTRICTS.items():
        by_succ.setdefault(succ, []).append((code, share))
    orig_rng = np.random.default_rng(seed + 1)

    def original_of(area: str, day: int) -> str:
        # Records before the reorganisation carry the former district's code.
        if day >= _to_days(DORSET_BREAK):
            return area
        codes, shares = zip(*by_succ[area])
        return str(orig_rng.choice(codes, p=np.array(shares) / sum(shares)))

    cohort = _cohort_table(ref, comp, original_of)
    p12 = np.concatenate([
        np.array([P_REOFFEND_CARA[o] if o != "in_progress" else P_REOFFEND_CARA["in_progress"] for o in ref["outcome"]]),
        np.full(len(comp["person_id"]), P_REOFFEND_COMPARISON),
    ])
    reoff = _reoffences(rng, np.array(cohort.column("person_id").to_pylist(), dtype=object),
                        np.concatenate([ref["caution_date"], comp["index_day"]]), p12)
    return {
        "areas": areas,
        "area_memberships": memberships,
        "population": pa.table({"area_code": [r[0] for r in pop_rows], "year": [r[1] for r in pop_rows], "population": [r[2] for r in pop_rows]}, schema=C.arrow_schema(C.POPULATION)),
        "crime": crime,
        "series_breaks": _breaks_table(),
        "referrals": _referrals_table(ref),
        "survey_questions": _questions_table(),
        "survey_responses": _survey(rng, ref),
        "cohort": cohort,
        "reoffences": reoff,
        "costs": _costs(2019, 2024, 150_000.0, rng),
        # Home Office CSP context is loaded from the real open data tables, never invented.
        "crime_context": pa.table({c.name: [] for c in C.CRIME_CONTEXT.columns}, schema=C.arrow_schema(C.CRIME_CONTEXT)),
    }


def synthetic_manifest(scale: str, seed: int, tables: dict[str, int]) -> dict:
    return {
        "contract_version": C.CONTRACT_VERSION,
        "synthetic": True,
        "scale": scale,
        "seed": seed,
        "data_as_at": AS_AT.isoformat(),
        "created_at": f"synthetic, seed {seed}",  # fixed so the same seed gives the same bytes
        "sources": [{"file": f"synth --scale {scale} --seed {seed}", "table": t, "rows": n, "sha256": None} for t, n in sorted(tables.items())],
        "note": "SYNTHETIC DATA: drawn at random, calibrated to published figures. Not real people or real outcomes.",
    }


def write_dorset(out: Path, seed: int = 2019) -> Path:
    """Write a complete Dorset-scale synthetic data root to ``out``; returns the version path."""
    tables = dorset_tables(seed)
    manifest = synthetic_manifest("dorset", seed, {k: v.num_rows for k, v in tables.items()})
    return write_version(out, "warehouse", tables, manifest).path
