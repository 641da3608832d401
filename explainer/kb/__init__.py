"""Stage 1, the knowledge base: its models, reading the YAML, building and cross-checking it,
loading it (through the cache), the condition language of rules, profiles and scenarios.

Imports nothing from the later stages (engine, explanation, render, lint, cli, web).
"""
