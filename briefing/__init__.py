"""The committee's quarterly 预算执行情况简报, written as Word and PDF from the indicator layer's figures.

Nothing here computes a figure: `facts` reads the indicators (and the alert layer's open alerts), `numbers`
is the one place they become text, `sections` puts them into sentences and tables, and the writers lay the
same document out twice (docx for the office to edit, PDF to circulate).
"""
