"""示范市: a deterministic demo city that delivers T+1 folders and the ground truth of its planted anomalies."""
from demo.generate import DemoError, default_start, write_demo

__all__ = ["DemoError", "default_start", "write_demo"]
