"""The UI layer: progress, reprs and the Jupyter timeline."""
