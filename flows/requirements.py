"""Keys the code reads from content/, checked at load so a gap stops start-up, not a chat."""

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
