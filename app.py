"""预算联网监督分析平台 — the one entry point: `python app.py COMMAND …` (see `python app.py --help`)."""
from cli import main

if __name__ == "__main__":
    main()
