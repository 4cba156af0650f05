"""Media facts, re-exported: probing in :mod:`mockservers.core.probe`, images in :mod:`mockservers.core.images`.

Kept so ``from mockservers.core.media import ...`` keeps working in provider code.
"""

from mockservers.core.images import *  # noqa: F403
from mockservers.core.images import __all__ as _images_all
from mockservers.core.probe import *  # noqa: F403
from mockservers.core.probe import __all__ as _probe_all

__all__ = [*_probe_all, *_images_all]
