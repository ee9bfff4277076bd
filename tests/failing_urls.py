"""A page that fails, for the error report tests (tests/test_operations.py)."""

from django.urls import path


def fail(request):
    raise RuntimeError("Nie udało się: test raportu błędów")


urlpatterns = [path("fails/", fail)]
