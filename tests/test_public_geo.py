"""Real public files loaded as published: the ONS LAD to CSP to PFA lookup as the areas table,
and data.police.uk street-level crime as all recorded crime (tests/data/public, unchanged)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from cara_metrics import warehouse
from cara_metrics.dataroot import live_version
from cara_metrics.ingest.commands import main

PUBLIC = Path(__file__).parent / "data" / "public"
LOOKUP = PUBLIC / "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv"
STREET = [PUBLIC / "2019-07-dorset-street.csv", PUBLIC / "2019-08-dorset-street.csv"]
FORCE, BCP, DORSET_COUNCIL = "E23000039", "E06000058", "E06000059"
CSP_BOURNEMOUTH, CSP_POOLE, CSP_DORSET = "E22000063", "E22000067", "E22000367"


def ingest(root: Path, *files: Path, args: tuple[str, ...] = ()) -> int:
    return main(["ingest", "--data-dir", str(root), "--report", str(root.parent / f"{root.name}-report.csv"),
                 *args, *map(str, files)])


def rows(root: Path, table: str, where: str = "true") -> list[tuple]:
    """Rows of a live table, sorted; ``where`` is a fixed condition written in the test."""
    return duckdb.read_parquet(str(live_version(root).table_path(table))).filter(where).order("all").fetchall()


@pytest.fixture(scope="module")
def public_root(tmp_path_factory) -> Path:
    """A fresh data root fed only the three real public files, through the normal ingest command."""
    root = tmp_path_factory.mktemp("public") / "root"
    assert ingest(root, LOOKUP, *STREET) == 0
    warehouse.clear_cache()
    return root


# --- 1. the ONS lookup is the areas table ----------------------------------------------------


def test_lookup_loads_as_areas_with_ons_codes_and_types(public_root):
    areas = {r[0]: r for r in rows(public_root, "areas")}
    assert areas[FORCE][1:4] == ("Dorset", "force", None)
    assert areas[CSP_DORSET][1:4] == ("Dorset", "community_safety_partnership", FORCE)
    assert areas[DORSET_COUNCIL][1:4] == ("Dorset", "local_authority", CSP_DORSET)
    assert areas["W15000001"][2] == "force" and areas["W06000001"][2] == "local_authority"
    # Every current area has an ONS code of its type: no invented codes.
    prefixes = {"force": ("E23", "W15"), "community_safety_partnership": ("E22", "W14"),
                "local_authority": ("E06", "E07", "E08", "E09", "W06")}
    assert all(code[:3] in prefixes[r[2]] for code, r in areas.items())
    with LOOKUP.open(encoding="utf-8-sig", newline="") as fh:
        published = list(csv.DictReader(fh))
    assert {r["LAD23CD"] for r in published} <= set(areas)
    assert {r["CSP23CD"] for r in published} <= set(areas) and {r["PFA23CD"] for r in published} <= set(areas)


def test_a_council_in_three_csps_is_modelled_not_resolved_by_picking_one(public_root):
    areas = {r[0]: r for r in rows(public_root, "areas")}
    assert areas[BCP][3] == FORCE  # its force, not one of its CSPs
    assert rows(public_root, "area_memberships", f"area_code = '{BCP}'") == [
        (BCP, CSP_BOURNEMOUTH), (BCP, CSP_POOLE), (BCP, CSP_DORSET)]
    # Council-level figures: BCP counts for the force only, and the CSPs sharing it have no
    # council-level members (their figure would be part of a council); Dorset Council is whole.
    db = warehouse.database(public_root)
    members = set(warehouse.cursor(db).execute("SELECT ancestor_code, area_code FROM area_members").fetchall())
    assert (FORCE, BCP) in members and (FORCE, DORSET_COUNCIL) in members
    assert not {m for m in members if m[0] in (CSP_BOURNEMOUTH, CSP_POOLE, CSP_DORSET)}
    # Figures held by former district split: Christchurch counts for the Dorset CSP and BCP.
    up = dict.fromkeys(("E07000048", "E06000028", "E06000029"))
    for unit in up:
        up[unit] = {a for (a,) in warehouse.cursor(db).execute(
            "SELECT ancestor_code FROM unit_ancestors WHERE unit_code = ?", [unit]).fetchall()}
    assert up["E07000048"] == {"E07000048", BCP, CSP_DORSET, FORCE}
    assert up["E06000028"] == {"E06000028", BCP, CSP_BOURNEMOUTH, FORCE}
    assert up["E06000029"] == {"E06000029", BCP, CSP_POOLE, FORCE}


def test_former_dorset_districts_map_by_code_and_by_name(public_root):
    former = rows(public_root, "areas", "successor_code IS NOT NULL")
    assert {(r[0], r[1], r[4]) for r in former} == {
        ("E06000028", "Bournemouth", BCP), ("E06000029", "Poole", BCP), ("E07000048", "Christchurch", BCP),
        ("E07000049", "East Dorset", DORSET_COUNCIL), ("E07000050", "North Dorset", DORSET_COUNCIL),
        ("E07000051", "Purbeck", DORSET_COUNCIL), ("E07000052", "West Dorset", DORSET_COUNCIL),
        ("E07000053", "Weymouth and Portland", DORSET_COUNCIL)}
    from cara_metrics.ingest.geography import Geography

    geo = Geography(duckdb.read_parquet(str(live_version(public_root).table_path("areas"))).to_arrow_table())
    assert geo.resolve("Weymouth & Portland", "la")[:2] == ("E07000053", DORSET_COUNCIL)
    assert geo.resolve("e07000048", "la")[:2] == ("E07000048", BCP)


def test_synthetic_demo_has_the_lookups_geography_for_its_force(public_root):
    """The demo's areas and memberships are exactly the rows ingesting the real lookup gives
    for Dorset (codes, names, types, parents, former districts): no invented codes."""
    from cara_metrics.synth import FORCE_CODE, dorset_tables

    assert FORCE_CODE == FORCE
    loaded = rows(public_root, "areas")
    in_force, grew = {FORCE}, True
    while grew:  # everything whose parent chain reaches the force
        more = {r[0] for r in loaded if r[3] in in_force}
        grew = not more <= in_force
        in_force |= more
    expected = sorted(r for r in loaded if r[0] in in_force)
    demo = dorset_tables(2019)
    got = sorted(tuple(r.values()) for r in demo["areas"].to_pylist())
    assert got == expected and len(expected) == 14
    assert sorted(tuple(r.values()) for r in demo["area_memberships"].to_pylist()) == rows(
        public_root, "area_memberships", f"area_code IN ('{BCP}', '{DORSET_COUNCIL}')")
    assert not [r for r in got if r[0].startswith("CSP-")]


def test_lookup_of_another_vintage_loads_by_its_header(tmp_path):
    text = LOOKUP.read_text(encoding="utf-8-sig").replace("23CD", "21CD").replace("23NM", "21NM")
    copy = tmp_path / "lad21.csv"
    copy.write_text(text, encoding="utf-8-sig")
    root = tmp_path / "root"
    assert ingest(root, copy) == 0
    assert rows(root, "areas", f"area_code = '{BCP}'")[0][3] == FORCE


# --- 2. data.police.uk street-level crime ----------------------------------------------------

#: Districts as the 2011 LSOA names give them, by the council that replaced them on 1 April
#: 2019 (fixed history, written out here so the hand count does not use the code under test).
BCP_DISTRICTS = {"Bournemouth", "Poole", "Christchurch"}
DORSET_DISTRICTS = {"East Dorset", "North Dorset", "Purbeck", "West Dorset", "Weymouth and Portland"}


def hand_count(path: Path) -> dict[str, int]:
    """Crimes in one police.uk file by the csv module alone: the force, BCP, Dorset Council, and
    crimes with no location or in a district outside the force."""
    out = {"force": 0, "bcp": 0, "dorset": 0, "no_location": 0, "outside": 0, "asb": 0}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["Crime type"] == "Anti-social behaviour":
                out["asb"] += 1
                continue
            out["force"] += 1
            district = r["LSOA name"].rsplit(" ", 1)[0] if r["LSOA name"] else ""
            if not r["LSOA code"]:
                out["no_location"] += 1
            elif district in BCP_DISTRICTS:
                out["bcp"] += 1
            elif district in DORSET_DISTRICTS:
                out["dorset"] += 1
            else:
                out["outside"] += 1
    return out


def test_street_crime_is_counted_by_month_lsoa_and_location(public_root):
    july = hand_count(STREET[0])
    got = dict(duckdb.read_parquet(str(live_version(public_root).table_path("street_crime")))
               .filter("month = DATE '2019-07-01'").aggregate("location, sum(offences)::BIGINT").fetchall())
    assert got == {"in_force": july["bcp"] + july["dorset"], "not_located": july["no_location"],
                   "outside_force": july["outside"]}
    # Anti-social behaviour is not crime: none loaded.
    assert rows(public_root, "street_crime", "crime_type = 'Anti-social behaviour'") == []
    # Categories map to Home Office groups where they can, and to none where they span several.
    groups = dict(duckdb.read_parquet(str(live_version(public_root).table_path("street_crime"))).aggregate(
        "crime_type, any_value(offence_group)").fetchall())
    assert groups["Criminal damage and arson"] == "Criminal damage and arson"
    assert groups["Violence and sexual offences"] is None and groups["Shoplifting"] == "Theft offences"
    # A crime in a New Forest LSOA (Hampshire) counts for Dorset Police, as outside the force.
    (nf,) = rows(public_root, "street_crime", "area_code_original = 'E07000091' AND month = DATE '2019-07-01'")
    assert nf[1] == FORCE and nf[7] == "outside_force"
    # Pre-2019 district names map to the successor council, keeping the district.
    assert {r[2] for r in rows(public_root, "street_crime", "area_code_original = 'E07000048'")} == {BCP}


def test_street_crime_needs_its_force_in_the_areas_table(tmp_path, capsys):
    assert ingest(tmp_path / "root", STREET[0]) == 1
    err = capsys.readouterr().err
    assert "'Dorset Police' is not a force area in the areas table" in err and "ONS LAD to CSP to PFA lookup" in err
    assert "cannot tell which table" not in err


# --- 3 and 4. recorded_crimes from the public files alone equals a hand count -----------------


def figures(root: Path, area: str, start: str, end: str, *extra: str) -> dict:
    import contextlib
    import io
    import json

    from cara_metrics.cli import main as cli_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main(["figures", "recorded_crimes", "--data-dir", str(root), "--area", area,
                         "--from", start, "--to", end, "--format", "json", *extra]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("month, path", [("07", STREET[0]), ("08", STREET[1])])
def test_figures_recorded_crimes_equal_a_hand_count_of_the_raw_files(public_root, month, path):
    want = hand_count(path)
    got = {area: figures(public_root, area, f"2019-{month}-01", f"2019-{month}-31")["rows"]
           for area in (FORCE, BCP, DORSET_COUNCIL)}
    assert got[FORCE][0]["value"] == want["force"]
    assert got[BCP][0]["value"] == want["bcp"]
    assert got[DORSET_COUNCIL][0]["value"] == want["dorset"]
    assert got[FORCE][0]["not_located"] == want["no_location"] and got[FORCE][0]["outside_force"] == want["outside"]
    assert {r[0]["crime_source"] for r in got.values()} == {"police.uk"}


def test_csps_sharing_a_council_split_by_former_district(public_root):
    july = figures(public_root, FORCE, "2019-07-01", "2019-07-31", "--by", "area")["rows"]
    by = {r["area_code"]: r["value"] for r in july}
    # The three CSPs that share BCP add up to BCP plus Dorset Council (Christchurch is in Dorset CSP).
    assert by[CSP_BOURNEMOUTH] + by[CSP_POOLE] + by[CSP_DORSET] == by[BCP] + by[DORSET_COUNCIL]
    assert by[FORCE] == by[BCP] + by[DORSET_COUNCIL] + july[0]["not_located"] + july[0]["outside_force"]


def test_a_shared_csp_has_no_figure_from_council_level_crime(public_root, tmp_path):
    """Police.uk with current council names (LSOA 2021 names, "Bournemouth, Christchurch and Poole
    001A") cannot be split between BCP's three CSPs: those CSPs show [x], never a part figure."""
    root = tmp_path / "root"
    shutil.copytree(public_root, root)
    f = tmp_path / "2019-06-dorset-street.csv"
    # A copy dated June, its BCP districts renamed to the council (the csv module quotes the comma).
    with STREET[0].open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    for r in table[1:]:
        r[1] = "2019-06"
        district = r[8].rsplit(" ", 1)[0] if r[8] else ""
        if district in BCP_DISTRICTS:
            r[8] = "Bournemouth, Christchurch and Poole " + r[8].rsplit(" ", 1)[1]
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    assert ingest(root, f) == 0
    warehouse.clear_cache()
    june = {r["area_code"]: r for r in figures(root, FORCE, "2019-06-01", "2019-06-30", "--by", "area")["rows"]}
    july = hand_count(STREET[0])
    assert june[BCP]["value"] == july["bcp"] and june[DORSET_COUNCIL]["value"] == july["dorset"]
    for csp in (CSP_BOURNEMOUTH, CSP_POOLE, CSP_DORSET):
        assert june[csp]["value"] is None and june[csp]["symbol"] == "[x]" and june[csp]["unsplit"] == july["bcp"]


# --- 5. pages fed only by public files -------------------------------------------------------


def _signed_in_app(monkeypatch, root: Path, tmp_path: Path):
    import datetime as dt

    from streamlit.testing.v1 import AppTest

    from cara_metrics.auth import UserStore

    monkeypatch.setenv("CARA_DATA_DIR", str(root))
    monkeypatch.setenv("CARA_USERS_FILE", str(tmp_path / "users" / "users.json"))
    UserStore().add("analyst@pcc.example.gov.uk", "correct horse battery staple")
    at = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=90)
    now = dt.datetime.now(dt.timezone.utc)
    at.session_state["cara_auth_email"] = "analyst@pcc.example.gov.uk"
    at.session_state["cara_auth_signed_in_at"] = now
    at.session_state["cara_auth_last_activity"] = now
    return at.run()


def test_pages_on_public_data_alone(public_root, monkeypatch, tmp_path):
    """The crime page shows recorded crime by area and month, with how many had no location or
    lay outside the force; the programme pages say their data is not loaded (no empty charts)."""
    at = _signed_in_app(monkeypatch, public_root, tmp_path)
    assert not at.exception
    at.switch_page("views/crime.py").run()
    assert not at.exception
    at.segmented_control[0].set_value("Month").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.subheader)
    july, august = hand_count(STREET[0]), hand_count(STREET[1])
    assert f"{august['force']:,} crimes were recorded in Dorset (police force area) in Aug 2019" in text
    assert f"{july['no_location'] + august['no_location']:,} had no location" in text
    assert f"{july['outside'] + august['outside']:,} were located in a neighbouring force's area" in text
    assert any("extract is not loaded yet" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 2  # recorded crime by month and by area; no empty DA charts
    for page in ("views/referrals.py", "views/overview.py", "views/reoffending.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert any("data is not loaded yet" in i.value for i in at.info), page
        assert not at.get("plotly_chart") and not at.metric, page
    at.switch_page("views/data_quality.py").run()
    assert not at.exception
    assert "Councils in more than one community safety partnership" in [s.value for s in at.subheader]
    assert any("Bournemouth, Christchurch and Poole" in str(df.value) for df in at.dataframe)


# --- 6. no silent matching -------------------------------------------------------------------


def _demo_geography():
    import pyarrow.parquet as pq

    from cara_metrics.dataroot import DEFAULT_DATA_DIR
    from cara_metrics.ingest.geography import Geography

    return Geography(pq.read_table(live_version(DEFAULT_DATA_DIR).table_path("areas")))


@pytest.mark.parametrize("name", ["Dorset Police", "Dorset police force area", "DORSET POLICE", "Dorset Constabulary"])
def test_a_force_name_is_never_a_council(public_root, name):
    from cara_metrics.ingest.geography import Geography

    ons = Geography(duckdb.read_parquet(str(live_version(public_root).table_path("areas"))).to_arrow_table())
    for geo in (ons, _demo_geography()):
        original, current, problem = geo.resolve(name, "la")
        assert (original, current) == (None, None)
        assert "E23000039" in problem and "not a council" in problem


def test_names_match_only_official_names_exactly():
    geo = _demo_geography()
    # The demo's names are the ONS lookup's ("Bournemouth, Christchurch and Poole", "Dorset").
    assert geo.resolve("bournemouth,  christchurch & poole", "la")[:2] == ("E06000058", "E06000058")
    _o, _c, problem = geo.resolve("Bournemouth, Christchurch and Poole Council", "la")
    assert _c is None and "did you mean 'Bournemouth, Christchurch and Poole'?" in problem
    # A hint proposes only councils, and a code only for a code.
    near_force = geo.resolve("E23000038", "la")[2]
    assert "unknown area 'E23000038'" in near_force and "did you mean 'E2" not in near_force
    assert "did you mean 'E07000050'?" in geo.resolve("E06000050", "la")[2]  # a council code
    assert "did you mean 'Dorset'?" in geo.resolve("Dorsett", "la")[2]


def test_crime_rows_naming_the_force_are_refused_not_loaded_as_the_council(tmp_path, capsys):
    root = tmp_path / "root"
    f = tmp_path / "crime.csv"
    f.write_text("recorded_date,area_code,offence_code,offence_group,da_flag\n"
                 "13/08/2019,Dorset,8N,Violence against the person,yes\n"
                 "14/08/2019,Dorset Police,8N,Violence against the person,yes\n", encoding="utf-8")
    shutil.copytree(Path(__file__).parent.parent / "data" / "demo", root)
    assert ingest(root, f) == 1
    err = capsys.readouterr().err
    assert "crime.csv:3: column 'area_code': unknown area 'Dorset Police'" in err and "not a council" in err


def test_header_hints_propose_only_compatible_columns(tmp_path, capsys):
    root = tmp_path / "root"
    f = tmp_path / "crime.csv"
    f.write_text("recorded_date,LSOA code,offence_code,offence_group,da_flag\n"
                 "13/08/2019,E01015301,8N,Violence against the person,yes\n", encoding="utf-8")
    assert ingest(root, f) == 1
    err = capsys.readouterr().err
    assert "missing column for the crime (records) table" in err and "LSOA code" not in err.split("missing column")[1]
    g = tmp_path / "colours.csv"
    g.write_text("colour,size,weight\nred,1,2\n", encoding="utf-8")
    assert ingest(root, g) == 1
    err = capsys.readouterr().err
    assert "cannot tell which table" in err and "header is in the first row but matches no table" in err
    assert "check the header is the first row" not in err


# --- 7. reports in the data root; refusals say how to fix them ---------------------------------


def test_ingest_report_goes_to_the_data_root_never_the_working_folder(public_root, tmp_path, monkeypatch, capsys):
    root = tmp_path / "root"
    shutil.copytree(public_root, root)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    bad = tmp_path / "colours.csv"
    bad.write_text("colour,size\nred,1\n", encoding="utf-8")
    assert main(["ingest", "--data-dir", str(root), str(bad)]) == 1
    assert not list(cwd.iterdir())
    (report,) = (root / "ingest-reports").iterdir()
    assert str(report) in capsys.readouterr().err and "colours.csv" in report.read_text(encoding="utf-8")
    # A data root that does not exist yet is not created for a refused load.
    assert main(["ingest", "--data-dir", str(tmp_path / "new"), str(bad)]) == 1
    assert not (tmp_path / "new").exists() and not list(cwd.iterdir())


def test_publish_refusals_say_how_to_fix_them(public_root, tmp_path, capsys):
    import json

    from cara_metrics.cli import main as cli_main

    root = tmp_path / "root"
    shutil.copytree(public_root, root)
    warehouse.clear_cache()
    assert cli_main(["publish", "--data-dir", str(root)]) != 0
    assert "python -m cara_metrics ingest --data-dir DIR FILES, then publish again" in capsys.readouterr().err
    manifest = live_version(root).path / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "data_as_at": None}), encoding="utf-8")
    warehouse.clear_cache()
    assert cli_main(["publish", "--data-dir", str(root)]) != 0
    assert "ingest --data-dir DIR --as-at YYYY-MM-DD" in capsys.readouterr().err


def test_precedence_force_extract_then_home_office_then_police_uk(public_root, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(public_root, root)
    extract = tmp_path / "crime.csv"
    extract.write_text("month,area_code,offence_code,offence_group,da_flag,offences\n"
                       "2019-08-01,E06000059,8N,Violence against the person,true,42\n"
                       "2019-08-01,E06000059,8N,Violence against the person,false,100\n", encoding="utf-8")
    home_office = tmp_path / "prc-csp.csv"
    home_office.write_text("Financial Year,Financial Quarter,Police Force,CSP Name,Offence Description,Offence Group,"
                           "Offence Subgroup,Offence Code,Offence Count\n"
                           "2019/20,3,Dorset,Dorset,Assault without injury,Violence against the person,"
                           "Violence without injury,105A,900\n", encoding="utf-8")
    assert ingest(root, extract, home_office) == 0
    warehouse.clear_cache()
    by_month = {r["period"]: r for r in figures(root, FORCE, "2019-07-01", "2019-08-31", "--by", "period",
                                                 "--grain", "month")["rows"]}
    # August: the force's own extract wins over police.uk; July: police.uk, the only source.
    assert (by_month["Aug 2019"]["value"], by_month["Aug 2019"]["crime_source"]) == (142, "force extract")
    assert (by_month["Jul 2019"]["value"], by_month["Jul 2019"]["crime_source"]) == (hand_count(STREET[0])["force"], "police.uk")
    # A whole Home Office quarter (October to December, by CSP) is used where no extract covers it.
    q3 = figures(root, FORCE, "2019-10-01", "2019-12-31")["rows"]
    assert (q3[0]["value"], q3[0]["crime_source"]) == (900, "Home Office")
    assert figures(root, CSP_DORSET, "2019-10-01", "2019-12-31")["rows"][0]["value"] == 900
