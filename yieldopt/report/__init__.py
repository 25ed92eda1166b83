"""Reports: the self-contained HTML page of a simulation and the main job's sections.

:func:`write_results` writes a simulation's frames (CSV, Parquet); :func:`write_report`
renders one HTML file with inline CSS and plots. The ``*_sections`` functions word the
main job's steps (segment values, forecast, opening controls) as extra report sections.
Reporting sits above the simulator and below the pipeline and the CLI: it formats
results, it computes nothing.
"""

from ._decide import backtest_figure, decide_report, write_decide_report
from ._page import write_report, write_results
from ._run import Section, control_sections, forecast_sections, segment_sections

__all__ = [
    "Section",
    "backtest_figure",
    "control_sections",
    "decide_report",
    "forecast_sections",
    "segment_sections",
    "write_decide_report",
    "write_report",
    "write_results",
]
