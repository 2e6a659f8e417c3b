"""The pieces of ingest on their own: value parsing, header matching, identifiers, areas."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cara_metrics import contract as C
from cara_metrics.dataroot import DEFAULT_DATA_DIR, live_version
from cara_metrics.ingest import pii
from cara_metrics.ingest.geography import Geography
from cara_metrics.ingest.headers import compact, detect, misspelt
from cara_metrics.ingest.values import Spec, encode, parse_column

TODAY = dt.date(2026, 1, 15)


def parse(values: list, spec: Spec):
    p = parse_column(encode(pa.array(values, pa.string())), spec)
    return p.values.to_pylist(), [p.message(i) if p.bad[i] else None for i in range(len(values))]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=TODAY))
def test_every_accepted_date_form_reads_back(d):
    serial = (d - dt.date(1899, 12, 30)).days
    forms = [d.strftime("%d/%m/%Y"), d.isoformat(), str(serial), f"{serial}.0", f"{d.day}/{d.month}/{d.year}",
             d.isoformat() + " 00:00:00", d.strftime("%d/%m/%Y") + " 14:30"]
    values, errors = parse(forms, Spec("date", not_after=TODAY))
    assert values == [d] * len(forms) and errors == [None] * len(forms)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=TODAY))
def test_month_forms_read_as_the_first_of_the_month(d):
    forms = [d.strftime("%Y-%m"), d.strftime("%m/%Y"), d.strftime("%b %Y"), d.strftime("%B %Y"), d.isoformat()]
    values, errors = parse(forms, Spec("month", not_after=TODAY))
    assert values == [d.replace(day=1)] * len(forms) and errors == [None] * len(forms)


@pytest.mark.parametrize("text, why", [
    ("13/08/19", "two-digit year"), ("31/02/2019", "no such date"), ("08/13/2019", "no such date"),
    ("2026-01-16", "in the future"), ("1899-12-31", "before 1900"), ("soon", "not a date"), ("2019-8", "not a date"),
])
def test_dates_refused_with_a_reason(text, why):
    values, errors = parse([text], Spec("date", not_after=TODAY))
    assert values == [None] and why in errors[0]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**12, max_value=10**12))
def test_whole_numbers_in_spreadsheet_forms(n):
    forms = [str(n), f"{n:,}", f"{n}.0", f" {n} "]
    values, errors = parse(forms, Spec("int"))
    assert values == [n] * 4 and errors == [None] * 4


def test_numbers_flags_and_periods():
    assert parse(["£1,234.50", "-0.5", "1e3", "abc", "1.2.3"], Spec("float"))[0] == [1234.5, -0.5, 1000.0, None, None]
    assert parse(["4.5"], Spec("int"))[1][0].startswith("not a whole number")
    assert parse(["Y", "no", "TRUE", "0", "1.0", "perhaps"], Spec("bool"))[0] == [True, False, True, False, True, None]
    assert parse(["2019/20", "2019-20", "2019/2020", "2019/21"], Spec("financial_year"))[0] == ["2019/20"] * 3 + [None]
    assert parse(["Q1", "4", "q2", "Q5"], Spec("quarter", minimum=1, maximum=4))[0] == [1, 4, 2, None]
    values, errors = parse(["5", "-1"], Spec("int", minimum=0, maximum=4))
    assert values == [None, None] and all("out of range" in e for e in errors)


def test_empty_cells_are_missing_not_wrong():
    values, errors = parse(["", "   ", None, "x"], Spec("string"))
    assert values == [None, None, None, "x"] and errors == [None] * 4


@pytest.mark.parametrize("headers, table, variant", [
    (["Caution Date", "PERSON-ID", "area code", "Age Band", "sex", "index_offence", "dash risk", "repeats", "outcome"], "referrals", ""),
    (["recorded_date", "area_code", "offence_code", "offence_group", "da_flag", "crime_ref"], "crime", "records"),
    (["Month", "Area", "Offence Code", "Offence Group", "Domestic Abuse", "Number of Offences"], "crime", ""),
    (["Financial Year", "Financial Quarter", "Force Name", "CSP Name", "Offence Description", "Offence Group",
      "Offence Subgroup", "Offence Code", "Number of Offences"], "crime_context", ""),
    (["Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description", "Offence Group",
      "Offence Subgroup", "Offence Code", "Offence Count"], "crime_context", ""),
    (["person_id", "group", "index_date", "area_code"], "cohort", ""),
])
def test_tables_are_told_from_their_headers(headers, table, variant):
    d = detect(headers)
    assert d.complete and (d.shape.table, d.shape.variant) == (table, variant)


def test_misspelt_headers_are_suggested():
    headers = ["person_id", "caution_date", "area_code", "age_band", "sex", "index_offence", "dash_risk",
               "repeats", "outcome", "outcme_date"]
    d = detect(headers)
    assert d.complete and misspelt(d, headers) == {9: "outcome_date"}
    assert compact("CAUTION-DATE") == compact("Caution Date") == compact("caution_date")


@pytest.mark.parametrize("header, kind", [
    ("Surname", "names"), ("Offender Name", "names"), ("first_name", "names"), ("DOB", "dates of birth"),
    ("Home Address", "addresses"), ("POSTCODE", "postcodes"), ("Tel No", "phone numbers"), ("Email", "email addresses"),
    ("PNC ID", "PNC ids"), ("NI Number", "National Insurance numbers"),
    ("area_name", None), ("CSP Name", None), ("Force Name", None), ("Offence Description", None), ("person_id", None),
])
def test_identifier_headers(header, kind):
    assert pii.header_kind(header) == kind


def test_identifier_values_and_the_contract_columns_that_are_not():
    bad = ["BH1 1AA", "bh11aa", "me@x.org", "01202 123456", "+44 7700 900123", "AB 12 34 56 C", "12/123456A"]
    fine = ["E06000058", "E22000367", "DOR-P000001", "105A", "8N", "13/08/2019", "2019-08-13", "43690",
            "Violence against the person", "the Q1 2nd payment", "2019/20", "36074.38"]
    assert pii.screen(pa.array(bad + fine)).tolist() == [True] * len(bad) + [False] * len(fine)
    assert pii.safe("me@x.org").startswith("(value not shown")


def test_geography_resolves_codes_names_and_former_areas():
    geo = Geography(pq.read_table(live_version(DEFAULT_DATA_DIR).table_path("areas")))
    assert geo.resolve("e06000028", "la")[:2] == ("E06000028", "E06000058")
    assert geo.resolve("Weymouth & Portland", "la")[:2] == ("E07000053", "E06000059")
    # The demo's names are the ONS lookup's: official names only, exactly.
    assert geo.resolve("Bournemouth, Christchurch and Poole", "la")[:2] == ("E06000058", "E06000058")
    assert geo.resolve("Bournemouth, Christchurch and Poole Council", "la")[1] is None
    assert geo.resolve("Dorset", "la")[:2] == ("E06000059", "E06000059")  # the council, never the force or CSP
    assert "unknown area" in geo.resolve("Gotham", "la")[2]
    assert "former area" in geo.resolve("E06000029", "la_current")[2]
    # BCP sits in three CSPs: its Home Office row stands for the council; "Dorset" is the CSP.
    assert geo.csp_code("Bournemouth, Christchurch and Poole") == "E06000058"
    assert geo.csp_code("Dorset") == "E22000367" and geo.csp_code("Southampton") is None
    # Exact official names only: a Home Office name with "Council" or "CSP" added is not one.
    assert geo.csp_code("Dorset Council") is None and geo.csp_code("Dorset Community Safety Partnership") is None
    for old, new in C.DORSET_SUCCESSORS.items():
        assert geo.current(old) == new
