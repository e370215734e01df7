"""Settings for bench.catalog_page: the product's settings, plus a urlconf that adds a trivial view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench._catalog_urls"
