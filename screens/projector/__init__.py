"""The projector window (``workshop present``): a read-only second window that follows the facilitator's."""

from screens.projector.app import ProjectorApp, run_projector

__all__ = ["ProjectorApp", "run_projector"]
