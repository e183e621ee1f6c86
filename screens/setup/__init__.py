"""Set-up: a workshop's details, its participants and its agenda, in two screens on one form.

- ``NewWorkshopScreen`` (``draft``): a workshop that does not exist yet; nothing is written until it is created.
- ``SetupScreen`` (``live``): the open workshop, every edit durable through the session as it is made.

Both lay out ``SetupForm`` (``form``). Other screens reach them through the app's navigator
(``new_workshop``, ``setup``), never by importing this package.
"""

from screens.setup.draft import NewWorkshopScreen
from screens.setup.live import SetupScreen

__all__ = ["NewWorkshopScreen", "SetupScreen"]
