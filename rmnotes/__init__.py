"""rmnotes: a relationship manager's client book as a private git vault of Markdown files."""

__version__ = "0.1.0"
