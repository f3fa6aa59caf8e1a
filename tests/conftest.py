"""Shared test settings: hypothesis runs are reproducible (derandomized) and unhurried."""
import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("course", derandomize=True, deadline=None, max_examples=60,
                          print_blob=True)
settings.load_profile("course")


@pytest.fixture
def rng():
    """A fresh seeded generator per test, so every test is reproducible on its own."""
    return np.random.default_rng(1234)
