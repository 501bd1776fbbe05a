"""duban (督办): a city government's key-task supervision system."""

__version__ = "0.1.0"
