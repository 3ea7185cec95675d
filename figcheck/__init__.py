"""figcheck: finds the figures in news articles and checks them."""

__version__ = "0.1.0"
