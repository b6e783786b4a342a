"""One module per program of the control plane, as kwokctl's binary runtime keeps them: each turns
the world's layout (``tests/testworld/layout.py``) into a command line and says how to tell it is up."""
