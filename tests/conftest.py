"""Suite-wide settings: property tests draw the same examples on every run and machine."""

from hypothesis import HealthCheck, settings

# Derandomized: a CI run and a developer's run explore the same examples, so a red
# build is reproducible; `--hypothesis-profile=explore` searches new ones.
settings.register_profile(
    "default", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile("default")
