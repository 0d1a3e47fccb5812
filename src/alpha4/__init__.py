"""alpha4: natalizumab therapy management for clinics and registries."""

__version__ = "0.1.0"
