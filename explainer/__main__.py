"""``python -m explainer`` behaves exactly like the ``explainer`` command."""

from explainer.cli import main

if __name__ == "__main__":
    main()
