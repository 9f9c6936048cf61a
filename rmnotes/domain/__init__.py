"""Domain answers: pure functions over the model and the index; they return dataclasses."""
