"""What exception types mean, for the honest answer when no pattern matches.

From text we only have a class name, so the class hierarchy of the usual exceptions is written
down here (live exceptions bring their real MRO). The fallback walks the MRO to the first type
it knows and explains that.
"""

from __future__ import annotations

_OP_ERRORS = (
    "CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
    "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "UnauthenticatedError",
    "ResourceExhaustedError", "FailedPreconditionError", "AbortedError", "OutOfRangeError",
    "UnimplementedError", "InternalError", "UnavailableError", "DataLossError",
)

_PARENT: dict[str, str] = {name: "OpError" for name in _OP_ERRORS}
_PARENT.update({
    "OpError": "Exception",
    "XlaRuntimeError": "RuntimeError",
    "ValueError": "Exception",
    "TypeError": "Exception",
    "AssertionError": "Exception",
    "KeyError": "LookupError",
    "IndexError": "LookupError",
    "LookupError": "Exception",
    "ModuleNotFoundError": "ImportError",
    "ImportError": "Exception",
    "RecursionError": "RuntimeError",
    "NotImplementedError": "RuntimeError",
    "RuntimeError": "Exception",
    "AttributeError": "Exception",
    "FileNotFoundError": "OSError",
    "PermissionError": "OSError",
    "OSError": "Exception",
    "MemoryError": "Exception",
    "ZeroDivisionError": "ArithmeticError",
    "OverflowError": "ArithmeticError",
    "FloatingPointError": "ArithmeticError",
    "ArithmeticError": "Exception",
    "UnicodeDecodeError": "ValueError",
    "StopIteration": "Exception",
    "SystemExit": "BaseException",
    "KeyboardInterrupt": "BaseException",
    "Exception": "BaseException",
})

MEANINGS: dict[str, str] = {
    "InvalidArgumentError": (
        "a TensorFlow op received an argument it cannot work with — most often a tensor of "
        "the wrong shape, dtype or value range. It is raised when the op runs, so the line "
        "shown is often model.fit or a tf.function call rather than where the data was made."
    ),
    "ResourceExhaustedError": "a TensorFlow op could not get the memory or resource it needs.",
    "FailedPreconditionError": (
        "the system is not in a state the op requires — e.g. a variable used before it was "
        "initialised, or a file or iterator in the wrong state."
    ),
    "NotFoundError": "a file, op, kernel or library TensorFlow looked for does not exist.",
    "UnimplementedError": "the op is not implemented for these inputs, dtype or device.",
    "InternalError": "TensorFlow's runtime failed internally (often a device or driver problem).",
    "UnknownError": "an error TensorFlow could not classify, often from a Python function "
                    "inside tf.data or tf.py_function, or from a device library.",
    "OutOfRangeError": "an iterator or a queue ran past its end (e.g. a dataset that was "
                       "exhausted before the expected number of steps).",
    "OpError": "a TensorFlow op failed while it ran.",
    "XlaRuntimeError": "an XLA-compiled computation failed while it ran.",
    "ValueError": (
        "a function got an argument of the right type but an unusable value. In TensorFlow "
        "and Keras this is mostly a shape, a rank, or a configuration that does not fit, "
        "checked before anything runs."
    ),
    "TypeError": "a value of the wrong type was passed, or an argument name was not accepted.",
    "AssertionError": "an assert statement failed — in your code or inside a library.",
    "KeyError": "a dictionary (or DataFrame) lookup used a key that does not exist.",
    "IndexError": "an index was past the end of a sequence.",
    "LookupError": "a lookup by key or index failed.",
    "ImportError": "a module or a name in it could not be imported.",
    "RuntimeError": "an error that fits no other category was detected while running.",
    "AttributeError": "an object does not have the attribute that was used.",
    "OSError": "the operating system refused an operation (a file, a device, a library).",
    "MemoryError": "the Python process ran out of memory.",
    "ArithmeticError": "an arithmetic operation failed.",
    "Exception": "an error was raised; its message is the best guide.",
    "BaseException": "the program was stopped by an exception.",
}


def mro_of(name: str) -> tuple[str, ...]:
    """The chain of base classes of a built-in or TensorFlow exception named ``name``."""
    if not name:
        return ("Exception", "BaseException")
    out = [name]
    seen = {name}
    while out[-1] in _PARENT:
        parent = _PARENT[out[-1]]
        if parent in seen:
            break
        out.append(parent)
        seen.add(parent)
    if out[-1] not in ("BaseException",):
        if out[-1] != "Exception":
            out.append("Exception")
        out.append("BaseException")
    return tuple(out)


def meaning(mro: tuple[str, ...]) -> tuple[str, str]:
    """(the class that was explained, what it means), walking ``mro``."""
    for name in mro:
        if name in MEANINGS:
            return name, MEANINGS[name]
    return "Exception", MEANINGS["Exception"]
