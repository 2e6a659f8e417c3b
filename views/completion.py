"""Question 3: how many complete the workshops?"""

from cara_metrics import ui, ui_auth
from cara_metrics.analysis import completion, referrals
from cara_metrics.registry import QUESTIONS

ui_auth.require_commissioner(banner=False)  # also left out of the navigation unless allowed
ui.page_header("Workshop completion", QUESTIONS["completion"], needs=("referrals",))
f = ui.filters()
grain = ui.grain_picker(default="Quarter")
with ui.guard("completion of the workshops"):
    referrals.require_referrals(f)
    ui.show(lambda: completion.funnel_panel(f), "funnel", "the funnel from referral to completion")
    ui.show(lambda: completion.outcome_mix_panel(f, grain), "outcomes", "the outcomes of referrals")
    ui.show(lambda: completion.rate_period_panel(f, grain), "rate-periods", "completion over time")
    level = ui.level_picker(f)
    ui.show(lambda: completion.rate_area_panel(f, level=level), "rate-areas", "completion by area")
    ui.show(lambda: completion.days_to_completion_panel(f, grain), "days", "the time to completion")
    ui.show(lambda: completion.repeats_panel(f, grain), "repeats", "the repeated workshops")
