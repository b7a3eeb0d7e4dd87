"""Background jobs: long work (a briefing, a backfill, alert re-evaluation) queued in the store and run by any
process that runs a job runner (`worker`, `schedule`, or the dashboard's own workers), so that a click on one
gunicorn worker is seen by all of them and a job whose process dies is picked up again by another."""
