"""What the roll-ups keep of their own: snapshots of the largest trees."""

from django.db import models


class RollupSnapshot(models.Model):
    """The tallies below one of the largest campaigns (the nation's, a province's), grouped
    as its roll-up reads them, refreshed every minute in the background: one small row to
    read instead of grouping tens of thousands of tallies per page view."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    as_of = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        db_table = "reports_rollupsnapshot"  # made by reports before rollup was its own app

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.as_of:%Y-%m-%d %H:%M}"
