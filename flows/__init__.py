"""The coach itself: content, interview machine, mistakes and the strategy card, framework-free."""
