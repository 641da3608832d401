"""The ``explainer`` command line: one module per command, each parsing and printing only.

The entry point is :func:`explainer.cli.main.main`.
"""
