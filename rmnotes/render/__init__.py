"""Renderers: model and domain results -> rich renderables, JSON text, PNG/PDF bytes."""
