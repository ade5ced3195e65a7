"""The ASL interpreter now lives in the package (the local pipeline runs the runner with it)."""

from zonke_tf.asl import Call, Outcome, RuntimeFailure, TaskError, run

__all__ = ["Call", "Outcome", "RuntimeFailure", "TaskError", "run"]
