"""an alert's latest event is one index lookup: the events' index holds the id that breaks a tie of dates

The alert list works out each alert's status as of a date as its latest event with as_of ≤ date (ties: the later
event). With (alert_id, as_of) only, each lookup read every event of the alert's last date and sorted them by id;
with the id in the index, the lookup is the index's last entry at or before the date. (The sightings need no new
index: their primary key (alert_id, date) already finds an alert's last sighting on or before a date.)

Revision ID: 0015
Revises: 0014
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_alert_event_alert", table_name="alert_event")
    op.create_index("ix_alert_event_alert", "alert_event", ["alert_id", "as_of", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_event_alert", table_name="alert_event")
    op.create_index("ix_alert_event_alert", "alert_event", ["alert_id", "as_of"], unique=False)
