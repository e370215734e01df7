"""Demo data for adoption (filled in below)."""


def demo_step():
    pass
