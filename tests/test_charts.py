"""Chart framing rules as figure properties (issue 14 items 3 and 4): provisional points are
drawn apart (open markers, dotted, [p] in name and hover) and never on the solid line; a break
in series is a marked vertical line on the date it happened."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cara_metrics import charts

D = dt.date


def _years(values, provisional):
    return pd.DataFrame({"start": [D(2016 + i, 4, 1) for i in range(len(values))], "v": values, "p": provisional})


def test_provisional_points_are_open_dotted_and_not_on_the_solid_line():
    fig = charts.line_chart(_years([0.5, 0.6, 0.7, 0.94], [False, False, True, True]), "start", ["v"], names=["Rate"],
                            percent=True, events=False, provisional="p")
    solid, prov = fig.data
    assert list(solid.y) == [0.5, 0.6, None, None]
    assert solid.marker.symbol == "circle"
    assert list(prov.y) == [0.7, 0.94] and prov.name == "Rate (provisional) [p]"
    assert prov.marker.symbol == "circle-open" and prov.line.dash == "dot"
    assert "[p]" in prov.hovertemplate


def test_without_provisional_points_one_trace_as_before():
    fig = charts.line_chart(_years([0.5, 0.6], [False, False]), "start", ["v"], events=False, provisional="p")
    assert len(fig.data) == 1 and list(fig.data[0].y) == [0.5, 0.6]


def test_a_reference_level_is_never_split():
    df = _years([0.5, 0.6], [False, True]).assign(ref=0.4)
    fig = charts.line_chart(df, "start", ["v", "ref"], events=False, provisional="p", reference=("ref",))
    assert [t.name for t in fig.data] == ["v", "v (provisional) [p]", "ref"]
    assert list(fig.data[2].y) == [0.4, 0.4]


def test_the_april_2019_break_is_marked_on_a_chart_that_crosses_it():
    fig = charts.line_chart(_years([0.1, 0.11, 0.12, 0.15], [False] * 4), "start", ["v"], events=True)
    lines = [s for s in fig.layout.shapes if pd.Timestamp(s.x0).date() == D(2019, 4, 1)]
    assert len(lines) == 1 and lines[0].line.dash == "dot"
    assert any("[b]" in a.text for a in fig.layout.annotations)
    # A chart that starts after the break does not mark it.
    after = charts.line_chart(_years([0.1, 0.2, 0.3, 0.4, 0.5], [False] * 5).iloc[4:], "start", ["v"], events=True)
    assert not any(pd.Timestamp(s.x0).date() == D(2019, 4, 1) for s in after.layout.shapes or ())
