"""URL routes: pages, media, subtitles, the search API, language switching, admin."""

from django.contrib import admin
from django.urls import include, path

from search.api import SearchAPIView
from search.views import search_page
from testimonies import views
from testimonies.media import serve_media

urlpatterns = [
    path("", search_page, name="search"),
    path("t/<str:external_id>/", views.testimony_page, name="testimony"),
    path("t/<str:external_id>/subtitles/<str:track>.vtt", views.subtitles, name="subtitles"),
    path(
        "t/<str:external_id>/transcript.<str:fmt>",
        views.transcript_download,
        name="transcript",
    ),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("places/<int:place_id>/", views.place_page, name="place"),
    path("media/<int:asset_id>/", serve_media, name="media"),
    path("api/v1/search", SearchAPIView.as_view(), name="api-search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
