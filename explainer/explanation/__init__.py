"""Stage 3, explaining: the Explainer (the public entry point), composing an Explanation from
the fired rules, and its model.

Imports only the knowledge base and engine stages.
"""
