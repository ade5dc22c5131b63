"""The site's routes: pages, login, staff pages, media, subtitles, the API and its schema,
health checks."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from evidence import copy_review, staff
from transcription import staff as transcription_staff
from transcription import upload as transcription_upload
from web import editor, health, pages, search_pages
from web.api import casefiles, exports, viewsets
from web.api.search import PeopleMatchAPIView, SearchAPIView
from web.media import serve_media

router = DefaultRouter(trailing_slash=False)
router.register("testimonies", viewsets.TestimonyViewSet, basename="testimony")
router.register("transcripts", viewsets.TranscriptViewSet, basename="transcript")
router.register("segments", viewsets.SegmentViewSet, basename="segment")
router.register("people", viewsets.PersonViewSet, basename="person")
router.register("places", viewsets.PlaceViewSet, basename="place")
router.register("events", viewsets.EventViewSet, basename="event")

urlpatterns = [
    path("", search_pages.search_page, name="search"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("t/<str:external_id>/", pages.testimony_page, name="testimony"),
    path("t/<str:external_id>/subtitles/<str:track>.vtt", pages.subtitles, name="subtitles"),
    path(
        "t/<str:external_id>/transcript.<str:fmt>",
        pages.transcript_download,
        name="transcript",
    ),
    path("people/<int:person_id>/", pages.person_page, name="person"),
    path("places/<int:place_id>/", pages.place_page, name="place"),
    path("media/<int:asset_id>/", serve_media, name="media"),
    path("match/", search_pages.match_page, name="match"),
    # Editors and admins who are not staff cannot use the admin's login; django-axes guards both.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="archive/login.html", next_page="after-login"),
        name="login",
    ),
    path("accounts/welcome/", editor.after_login, name="after-login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="search"), name="logout"),
    path("staff/takedowns/", staff.takedowns, name="staff-takedowns"),
    path("staff/copies/<int:redaction_id>/", copy_review.copy_review, name="staff-copy"),
    path(
        "staff/copies/<int:redaction_id>/frame.jpg",
        copy_review.copy_frame,
        name="staff-copy-frame",
    ),
    path(
        "staff/copies/<int:redaction_id>/decide",
        copy_review.copy_decide,
        name="staff-copy-decide",
    ),
    path("staff/takedowns.csv", staff.takedowns_csv, name="staff-takedowns-csv"),
    path("staff/queue/", transcription_staff.queue, name="staff-queue"),
    path("staff/queue/retry", transcription_staff.retry, name="staff-queue-retry"),
    path("staff/upload/", transcription_upload.upload, name="staff-upload"),
    path("edit/", editor.editor_list, name="editor-list"),
    path("edit/hand-out", editor.hand_out, name="editor-hand-out"),
    path("edit/t/<str:external_id>/", editor.editor_page, name="editor"),
    path("edit/t/<str:external_id>/media", editor.editor_media, name="editor-media"),
    path("edit/t/<str:external_id>/segments", editor.editor_segments, name="editor-segments"),
    path(
        "edit/segments/<int:segment_id>/history",
        editor.segment_history,
        name="editor-segment-history",
    ),
    path(
        "edit/segments/<int:segment_id>/<str:action>",
        editor.segment_action,
        name="editor-segment",
    ),
    path("api/v1/search", SearchAPIView.as_view(), name="api-search"),
    path("api/v1/people/match", PeopleMatchAPIView.as_view(), name="api-people-match"),
    re_path(
        r"^api/v1/people/(?P<person_id>[0-9]+)/case-file\.(?P<fmt>json|pdf)$",
        casefiles.case_file,
        name="api-case-file",
    ),
    re_path(r"^api/v1/export\.(?P<fmt>jsonl|csv)$", exports.export, name="api-export"),
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
