"""End-to-end tests in a real browser (Debian's chromium through chromedriver)."""
