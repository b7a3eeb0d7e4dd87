"""How the pages present what they read: plotly figures and grid columns/rows, no Dash, tested on their own."""
