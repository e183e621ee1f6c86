"""The projector window (``workshop present``): a read-only second window that follows the facilitator's."""

from screens.projector.app import ProjectorApp, run_projector
from screens.projector.messages import WorkshopChanged

__all__ = ["ProjectorApp", "WorkshopChanged", "run_projector"]
