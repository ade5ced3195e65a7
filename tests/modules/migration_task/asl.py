"""The ASL interpreter lives in the package (the local pipeline runs the runner with it)."""

from zonke_tf.asl import (
    Call,
    Outcome,
    RuntimeFailure,
    TaskError,
    apply_jsonata,
    apply_template,
    evaluate,
    get_path,
    is_present,
    rule_matches,
    run,
    set_path,
)

__all__ = [
    "Call",
    "Outcome",
    "RuntimeFailure",
    "TaskError",
    "apply_jsonata",
    "apply_template",
    "evaluate",
    "get_path",
    "is_present",
    "rule_matches",
    "run",
    "set_path",
]
