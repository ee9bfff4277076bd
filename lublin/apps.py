from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """Static files without the packaged jQuery UI stylesheets and themes.

    The admin's language tabs need only jquery-ui.min.js; its stylesheets reference
    images by quoted relative URLs that the manifest storage cannot resolve.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "jquery-ui*.css", "themes"]
