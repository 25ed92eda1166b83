"""Run named checks and report the first failure by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["run_checks"]


def run_checks(subject: str, checks: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """Run ``checks`` in order; the first that fails raises ``AssertionError``.

    Parameters
    ----------
    subject : str
        What is checked, e.g. ``"check_policy(dlp)"``; starts the message.
    checks : sequence of (str, callable)
        Check names and functions that raise on failure. Later checks may rely on
        earlier ones (the interface first), so the run stops at the first failure.

    Raises
    ------
    AssertionError
        ``"SUBJECT: CHECK failed: DETAIL"``; any exception of a check is reported
        this way, with the original as its cause.
    """
    for name, check in checks:
        try:
            check()
        except AssertionError as exc:
            raise AssertionError(f"{subject}: {name} failed: {exc}".rstrip()) from exc
        except Exception as exc:
            raise AssertionError(
                f"{subject}: {name} failed: raised {type(exc).__name__}: {exc}"
            ) from exc
