"""Training, assertions, runtime: no gradients, failed assertions, out of memory, broken
installations."""
