"""The product's URLs plus one trivial view, mounted only by the benchmark's settings."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def trivial(request):
    """The limit to compare with: behind the same middleware, it does nothing."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *product_urlpatterns]
