"""yichuang (一窗): the comprehensive-window workstation."""

__version__ = "0.1.0"
