"""Question 4: what do participants say? (end-of-workshop survey)"""

import streamlit as st

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import survey
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Participant survey", QUESTIONS["survey"], needs=("referrals", "survey_responses"))
f = ui.filters()
st.caption("People who completed both workshops answer a short survey at the end of the second one. "
           "Answers are self-reported: they show what participants say, not how they behave afterwards.")
with ui.guard("this page"):
    reason = survey.no_data_reason(f)
    if reason:
        st.info(reason)
        st.stop()

with ui.guard("the headline figures"):
    ui.tiles(survey.headline_tiles(f), columns=3)
ui.show(lambda: survey.agree_panel(f), "agree", "the share agreeing with each statement")
ui.show(lambda: survey.distribution_panel(f), "answers", "the full answers")

st.header("Response rate, over time and by area")
grain = ui.grain_picker(key="survey_grain")
ui.show(lambda: survey.response_panel(f, grain), "response", "the response rate")
question = survey.HEADLINE_QUESTION
with ui.guard("the list of statements"):
    choices = survey.question_choices()
    question = st.selectbox("Statement", list(choices), format_func=choices.get, key="survey_question")
ui.show(lambda: survey.trend_panel(f, grain, question), "trend", "agreement over time")
level = ui.level_picker(f)
ui.show(lambda: survey.area_panel(f, question, level=level), "areas", "agreement by area")
