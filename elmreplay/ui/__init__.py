"""The UI layer: widgets only (the Jupyter timeline, state tree, event list, plots, progress).

Reports render themselves with :mod:`elmreplay.inspect.render`; nothing below imports this package.
"""
