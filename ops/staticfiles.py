"""collectstatic without viewflow's vendored npm package.

viewflow ships `static/viewflow/fonts/roboto/node_modules/roboto-fontface/`, whose CSS points at
`css/roboto/Roboto-*.woff2` files that are not in the package; the manifest storage (whitenoise)
follows every url() in every CSS file and stops with MissingFileError, so no manifest is written
and every page answers 500. Nothing loads from that folder (viewflow's own roboto-fontface.css
sits one level up, beside the fonts it names), so it is left out of collection, as Django
documents for ignore patterns. viewflow's package itself is not edited.

Its `js/contrib/` (22 MB: the Plotly Dash renderer of viewflow.contrib.plotly, which this project
does not use) is left out too: compressing it took most of collectstatic's two minutes.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "node_modules", "viewflow/js/contrib/*"]
