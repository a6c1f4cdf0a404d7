"""loket: a BPJS Kesehatan payment counter for PPOB agents."""

__version__ = "0.1.0"
