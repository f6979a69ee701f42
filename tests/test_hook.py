"""The exception hooks: plain Python, threads, a real IPython shell and a real Jupyter kernel.

The errors raised here carry a real tf-keras message (recorded in the corpus) so that the
hooks can be tested without importing TensorFlow.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

MESSAGE = ('Input 0 of layer "sequential_2" is incompatible with the layer: expected '
           'shape=(None, 784), found shape=(784,)')


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


def test_install_chains_previous_hook_and_keeps_exit_code() -> None:
    done = python(f"""
        import sys
        def mine(t, v, tb):
            sys.stderr.write("MY HOOK RAN\\n")
            sys.__excepthook__(t, v, tb)
        sys.excepthook = mine
        import tferrfix
        tferrfix.install()
        x_test = None
        raise ValueError({MESSAGE!r})
    """)
    assert done.returncode == 1
    err = done.stderr
    assert err.index("MY HOOK RAN") < err.index("Traceback (most recent call last)") \
        < err.index("TFE0101 missing-batch-axis")
    assert "tensorflow" not in err.lower() or "TFE0101" in err


def test_thread_exceptions_are_explained() -> None:
    done = python(f"""
        import threading, tferrfix
        tferrfix.install()
        def work():
            raise ValueError({MESSAGE!r})
        t = threading.Thread(target=work); t.start(); t.join()
        print("main continues")
    """)
    assert done.returncode == 0
    assert "main continues" in done.stdout
    assert "Exception in thread" in done.stderr and "TFE0101" in done.stderr


def test_internal_failure_never_hides_the_error() -> None:
    done = python(f"""
        import tferrfix, tferrfix.matching as m
        def broken(incident):
            raise RuntimeError("boom inside tferrfix")
        m.diagnose_incident = broken
        import tferrfix.api as api
        api.diagnose_incident = broken
        tferrfix.install()
        raise ValueError({MESSAGE!r})
    """)
    assert done.returncode == 1
    assert "ValueError: Input 0 of layer" in done.stderr
    assert "tferrfix: could not diagnose this error (RuntimeError: boom inside tferrfix)" \
        in done.stderr


def test_install_uninstall_restore_hooks() -> None:
    import tferrfix

    before_sys, before_thread = sys.excepthook, threading.excepthook
    try:
        tferrfix.install()
        assert sys.excepthook is not before_sys
        assert threading.excepthook is not before_thread
        tferrfix.install()  # idempotent
    finally:
        tferrfix.uninstall()
    assert sys.excepthook is before_sys and threading.excepthook is before_thread


def test_real_ipython_shell() -> None:
    pytest.importorskip("IPython")
    done = subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "--quick", "--colors=NoColor", "-c",
         f"import tferrfix; tferrfix.install(); x_test = [0]; raise ValueError({MESSAGE!r})"],
        capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert "ValueError" in out and "Traceback" in out
    assert "TFE0101 missing-batch-axis" in out


def test_real_jupyter_kernel_renders_html() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("%load_ext tferrfix"),
        nbformat.v4.new_code_cell(f"x_test = [0]\nraise ValueError({MESSAGE!r})"),
    ]
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     allow_errors=True)
    client.execute()
    outputs = notebook.cells[1].outputs
    assert any(o.output_type == "error" for o in outputs)  # the original traceback
    html = [o["data"]["text/html"] for o in outputs
            if o.output_type == "display_data" and "text/html" in o.get("data", {})]
    assert html and "missing-batch-axis" in html[0] and "<code>" in html[0]
