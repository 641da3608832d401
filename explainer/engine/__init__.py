"""Stage 2, the rules engine: compiling rules for durable-rules, running them, and the
plain-Python oracle that evaluates the same conditions without durable-rules.

Imports only the knowledge base stage.
"""
