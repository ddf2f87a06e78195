"""cx-warehouse: an open customer-experience warehouse."""

__version__ = "0.1.0"
