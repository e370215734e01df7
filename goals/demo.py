"""Goals' demo step (filled in below)."""


def demo_step() -> None:
    return None
