"""django-prometheus's inner middleware, with every `method` label one of HTTP's
methods: django-prometheus 2.5 labels its latency-by-view histogram with the method
exactly as the client sent it, so anyone could add a series per made-up method
(`AAAA /pl/`), growing every worker's memory and every scrape without bound. It is
imported by the workers only (settings), never by gunicorn's master (lublin/metrics.py).
"""

from django_prometheus.middleware import PrometheusAfterMiddleware


class PrometheusAfterMiddlewareKnownMethods(PrometheusAfterMiddleware):
    def label_metric(self, metric, request, response=None, **labels):
        if "method" in labels:
            labels["method"] = self._method(request)  # "<invalid method>" if unknown
        return super().label_metric(metric, request, response, **labels)
