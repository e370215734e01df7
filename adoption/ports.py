"""What adoption reads from engagement (a sibling on the floor below, built alongside): the active
ambassadors. Engagement provides it in its AppConfig.ready(); until it does, step 2 says that
ambassadors are not recorded yet instead of failing."""

from typing import Protocol

from people.registry import Port


class AmbassadorIds(Protocol):
    """The ids of the employees who are ambassadors now."""

    def __call__(self) -> set[int]: ...


AMBASSADOR_IDS: Port[AmbassadorIds] = Port("ambassador_ids", AmbassadorIds, "engagement")
