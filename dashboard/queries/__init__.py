"""What the pages read from the store: plain functions of an engine, no Dash, tested on their own."""
