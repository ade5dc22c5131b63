"""URL routes: admin, search page, testimony pages."""

from django.contrib import admin
from django.urls import path

from search.views import search_page
from testimonies.views import testimony_page

urlpatterns = [
    path("", search_page, name="search"),
    path("t/<str:external_id>/", testimony_page, name="testimony"),
    path("admin/", admin.site.urls),
]
