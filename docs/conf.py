"""Sphinx configuration of lazyinit's documentation site.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
after ``python -m pip install -e ".[docs]"``. Pages are Markdown (MyST);
docstrings are numpydoc. Every ``>>>`` example on a page also runs as a
doctest under pytest.
"""

import lazyinit

project = "lazyinit"
author = "the lazyinit authors"
copyright = "the lazyinit authors"
version = release = lazyinit.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

templates_path = ["_templates"]
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"

# Methods are listed on the class pages by autosummary's template, not by
# numpydoc's member tables, which would point at stubs that do not exist.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_title = f"lazyinit {release}"
html_static_path: list[str] = []
