"""Keys the code reads from content/, checked at load so a gap stops start-up, not a chat."""

from collections.abc import Mapping
from types import MappingProxyType

QUESTIONS = frozenset(
    {
        "business_type",
        "offer",
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
        "assumptions",
    }
)

CARD_PHRASES = frozenset(
    {
        "snapshot",
        "target",
        "target_local",
        "primary",
        "secondary",
        "reason_used",
        "reason_preferred",
        "reason_goal",
        "reason_audience",
        "reason_business",
        "reason_suggested",
        "reason_content",
        "formats_none",
        "cadence_range",
        "cadence_below",
        "cadence_every_other_week",
        "cadence_total",
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
        "calendar_formats",
        "calendar_tip",
        "calendar_review",
        "calendar_todo",
    }
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
        "percent",
        "euros",
        "week",
        "platform",
        "platforms",
        "questions",
        "formats",
        "tip",
    }
)

FRONT_END_UI = frozenset(
    {
        "welcome",
        "help",
        "console_no_token",
        "console_hint_single",
        "console_hint_multi",
        "console_hint_text",
        "console_current",
        "mistake_heading",
        "mistake_why",
        "mistake_fix",
        "card_ready",
        "card_after",
        "lang_switched",
        "lang_usage",
        "unknown_command",
        "goodbye",
        "skip_hint",
        "required_hint",
    }
)

COMMANDS = (
    "start",
    "help",
    "plan",
    "back",
    "skip",
    "restart",
    "cancel",
    "card",
    "history",
    "lang",
    "privacy",
    "deletedata",
)

GROUP_COMMANDS = ("class", "report", "endclass", "workshop", "help")

TELEGRAM_UI = frozenset(
    {
        "tg_help",
        "tg_privacy",
        "tg_for_user",
        "tg_hint_multi",
        "tg_hint_text",
        "tg_hint_text_skip",
        "tg_welcome_back",
        "tg_cancelled",
        "tg_nothing_to_cancel",
        "tg_no_card",
        "tg_no_interview",
        "tg_stale_button",
        "tg_foreign_button",
        "tg_media",
        "tg_error",
        "tg_choose_lang",
        "tg_button_done",
        "tg_button_back",
        "tg_button_skip",
        "tg_skipped",
        "tg_card_caption",
        "tg_calendar_caption",
        "tg_calendar_filename",
        "tg_description",
        "tg_short_description",
        "tg_history_empty",
        "tg_history_title",
        "tg_delete_confirm",
        "tg_delete_yes",
        "tg_delete_no",
        "tg_deleted",
        "tg_delete_kept",
        "tg_conflict",
        "tg_db_retry",
    }
) | frozenset(f"cmd_{command}" for command in (*COMMANDS, *GROUP_COMMANDS))

CLASS_UI = frozenset(
    {
        "cls_group_only",
        "cls_choose_case",
        "cls_own_business",
        "cls_announcement",
        "cls_plan_for_case",
        "cls_plan_for_brief",
        "cls_plan_for_own",
        "cls_counts",
        "cls_join_button",
        "cls_closed_tag",
        "cls_welcome",
        "cls_brief_intro",
        "cls_closed_notice",
        "cls_not_found",
        "cls_share_question",
        "cls_share_named",
        "cls_share_anonymous",
        "cls_share_no",
        "cls_share_thanks",
        "cls_not_allowed",
        "cls_no_class",
        "cls_closed_done",
        "ws_intro",
        "ws_close_button",
        "ws_text_question",
        "ws_result",
        "ws_decided",
        "ws_tie",
        "ws_no_votes",
        "ws_running",
    }
)

REPORT_TEXTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "heading": frozenset({"title"}),
        "case": frozenset({"case"}),
        "own_business": frozenset(),
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
