"""URL routes: admin, search page, testimony pages."""

from django.contrib import admin
from django.urls import path

from search.api import SearchAPIView
from search.views import search_page
from testimonies.views import testimony_page

urlpatterns = [
    path("", search_page, name="search"),
    path("t/<str:external_id>/", testimony_page, name="testimony"),
    path("api/v1/search", SearchAPIView.as_view(), name="api-search"),
    path("admin/", admin.site.urls),
]
