"""The search page: server-rendered, the same query engine as the API and the command."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.client import SearchError
from search.forms import SearchForm
from search.query import search_segments


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "result": None, "error": None}
    status = 200
    if request.GET and form.is_valid():
        try:
            context["result"] = search_segments(form.params())
        except SearchError:
            context["error"] = "Search is unavailable right now. Please try again in a minute."
            status = 503
    elif request.GET:
        status = 400
    return render(request, "search/search.html", context, status=status)
