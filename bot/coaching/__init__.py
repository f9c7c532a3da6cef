"""Use cases: apply one event to a user's stored state and decide what to show, framework-free."""
