"""``python -m explainer`` behaves exactly like the ``explainer`` command."""

from explainer.cli.main import main

if __name__ == "__main__":
    main()
