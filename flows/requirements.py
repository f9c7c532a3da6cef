"""Keys the code reads from content/, checked at load so a gap stops start-up, not a chat."""

from collections.abc import Mapping
from types import MappingProxyType

from flows.ui_keys import UiKey

QUESTIONS = frozenset(
    {
        "business_type",
        "offer",
        "stage",
        "what_works",
        "goal",
        "shop_area",
        "audience",
        "audience_where",
        "networks",
        "preferred_network",
        "content_types",
        "hours",
        "social_use",
        "payoff",
        "manager",
        "budget",
        "same_content",
        "editorial_plan",
    }
)

CARD_TITLES = frozenset(
    {
        "heading",
        "snapshot",
        "objective",
        "target",
        "platforms",
        "pillars",
        "mix",
        "cadence",
        "replies",
        "budget",
        "kpis",
        "mistakes",
        "next_30_days",
        "week",
        "dates",
        "assumptions",
        "advice",
    }
)

CALENDAR_LABELS = (
    "calendar_task",
    "calendar_caption",
    "calendar_cta",
    "calendar_pillar",
    "calendar_format",
    "calendar_date",
)
"""Labels of the calendar file: card phrases with placeholders of their own."""

CARD_PHRASES = frozenset(
    {
        "snapshot",
        "target",
        "target_local",
        "primary",
        "secondary",
        "tone",
        "fact",
        "reason_used",
        "reason_preferred",
        "reason_goal",
        "reason_audience",
        "reason_business",
        "reason_suggested",
        "reason_content",
        "cadence_range",
        "cadence_below",
        "cadence_total",
        "mix_count",
        "cadence_spare",
        "budget_line",
        "budget_people",
        "budget_content",
        "budget_promotion",
        "budget_zero",
        "budget_unknown",
        "review",
        "mistakes_none",
        "skipped",
        "calendar_name",
        "calendar_review",
    }
    | set(CALENDAR_LABELS)
)

CARD_PLACEHOLDERS = frozenset(
    {
        "posts",
        "min",
        "max",
        "total",
        "useful",
        "promo",
        "share",
        "euros",
        "tone",
        "fact",
        "source",
        "week",
        "platform",
        "platforms",
        "questions",
        "reply_routine",
        "post_minutes",
        "reply_minutes",
        "review_minutes",
        "used",
        "budget",
        "offers",
        "spare",
        "week_posts",
        "measure",
        "holiday",
        "occasion",
        "day",
        "idea",
        "minutes",
        "network",
        "needs",
        "format",
        "task",
        "caption",
        "cta",
        "pillar",
        "name",
    }
)

PLAN_PHRASES = frozenset(
    {
        "offer_fallback",
        "offer_pillar",
        "starter",
        "left_out_time",
        "left_out_content",
        "task_holiday_hours",
        "task_get_ready",
        "date_post",
        "date_greeting",
        "date_post_on",
        "date_teaser",
        "date_closed",
        "date_closed_online",
        "date_after",
        "date_listed",
        "holiday_mark",
        "week_posts_one",
        "week_posts_many",
        "week_posts_vowel",
        "hours_assumed",
        "left_out_focus",
        "task_holiday_shipping",
    }
)

COMMANDS: Mapping[str, UiKey] = MappingProxyType(
    {
        "start": "cmd_start",
        "help": "cmd_help",
        "plan": "cmd_plan",
        "back": "cmd_back",
        "skip": "cmd_skip",
        "restart": "cmd_restart",
        "cancel": "cmd_cancel",
        "card": "cmd_card",
        "history": "cmd_history",
        "lang": "cmd_lang",
        "checkin": "cmd_checkin",
        "reminders": "cmd_reminders",
        "privacy": "cmd_privacy",
        "deletedata": "cmd_deletedata",
    }
)
"""The private chat's command menu, in order, with the key of each description."""

GROUP_COMMANDS: Mapping[str, UiKey] = MappingProxyType(
    {
        "class": "cmd_class",
        "report": "cmd_report",
        "endclass": "cmd_endclass",
        "workshop": "cmd_workshop",
        "help": "cmd_help",
    }
)
"""The command menu in groups."""

REPORT_TEXTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "heading": frozenset({"title"}),
        "case": frozenset({"case"}),
        "own_business": frozenset(),
        "teacher_case": frozenset({"brief"}),
        "progress": frozenset({"joined", "finished"}),
        "nobody_finished": frozenset(),
        "section_objectives": frozenset(),
        "section_networks": frozenset(),
        "section_formats": frozenset(),
        "several_answers": frozenset(),
        "count_line": frozenset({"label", "count", "percent"}),
        "section_mistakes": frozenset(),
        "mistake_line": frozenset({"number", "title", "count", "finished"}),
        "section_readiness": frozenset(),
        "readiness_line": frozenset({"score"}),
        "readiness_explained": frozenset(),
        "section_excerpts": frozenset(),
        "no_excerpts": frozenset(),
        "excerpt": frozenset({"label", "objective", "networks"}),
        "anonymous": frozenset({"n"}),
        "chart_title": frozenset({"title"}),
        "chart_axis": frozenset(),
        "chart_nobody": frozenset(),
    }
)
"""Report texts the code reads, each with the placeholders the code fills in."""
