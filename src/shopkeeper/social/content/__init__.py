"""Content and live-stream selling (RULES.md §4.3): influencers (达人, KOL) a store signs, their live sessions with
their own code and link, and content tasks a store publishes and an influencer takes on; what each brought is read
from distribution's attributions, and paid through distribution's commission lifecycle."""
