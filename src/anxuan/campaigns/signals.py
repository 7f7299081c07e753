"""What the campaign services tell the layers above, which they cannot import."""

from django.dispatch import Signal

# Sent with `campaign_ids` when who is expected to report, or by when, changed in those
# campaigns: participants added or removed, periods moved, a linked campaign set up under
# one (its office stops reporting itself) or archived. Roll-up tallies recount them.
expectations_changed = Signal()

# Sent with `source` and `copy` when a campaign is repeated in another year (copy_campaign),
# inside its transaction: the apps above copy what they keep of it (the assessment rubric).
campaign_copied = Signal()
