from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Pages that combine apps (home, profile, council); the top layer."""

    name = "hanjari.site"
    # Not "sites" (django.contrib.sites).
    label = "site"

    def ready(self) -> None:
        # The directory's text box searches with hanjari.search: the registry cannot
        # import it (it sits below search), so the top layer installs it.
        from hanjari.registry import selectors as registry_selectors
        from hanjari.search import selectors as search_selectors

        registry_selectors.use_text_search(search_selectors)
