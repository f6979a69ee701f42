"""What a file path in a traceback says: the user's code, or which library."""

from __future__ import annotations

import regex

_LIBRARY = regex.compile(
    r"[/\\](?:site-packages|dist-packages)[/\\]"
    r"|[/\\]lib[/\\]python\d[\d.]*[/\\]"
    r"|[/\\]Lib[/\\]"
    r"|^<frozen |^<__array_function__|^<decorator-gen|__autograph_generated_file"
    r"|[/\\](?:tensorflow|tensorflow_core|keras|tf_keras|numpy|absl)[/\\]"
)

# Path markers of the frameworks a traceback may come from, most specific first.
FRAMEWORK_PATHS: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("tf_keras", regex.compile(r"[/\\]tf_keras[/\\]|[/\\]tensorflow[/\\]python[/\\]keras[/\\]"
                               r"|[/\\]keras[/\\](?:src[/\\])?engine[/\\]")),
    ("keras", regex.compile(r"[/\\]keras[/\\]")),
    ("tensorflow", regex.compile(r"[/\\](?:tensorflow|tensorflow_core)[/\\]")),
    ("torch", regex.compile(r"[/\\](?:torch|torchvision|lightning|pytorch_lightning)[/\\]")),
    ("jax", regex.compile(r"[/\\](?:jax|jaxlib|flax|optax)[/\\]")),
    ("sklearn", regex.compile(r"[/\\]sklearn[/\\]")),
    ("pandas", regex.compile(r"[/\\]pandas[/\\]")),
    ("numpy", regex.compile(r"[/\\]numpy[/\\]|^<__array_function__")),
)


def is_user_file(path: str) -> bool:
    """A frame is the user's unless it sits in an installed library or the standard library.
    Notebook cells (``Cell In[3]``, ``<ipython-input-...>``) are the user's."""
    if path.startswith(("Cell In[", "<ipython-input-", "<command-", "<stdin>", "<string>")):
        return True
    return not _LIBRARY.search(path)


def frameworks_of(path: str) -> list[str]:
    return [name for name, rx in FRAMEWORK_PATHS if rx.search(path)]
