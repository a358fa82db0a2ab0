"""newsbrief: turn news articles into structured, checkable briefs with an LLM."""

__version__ = "0.1.0"
