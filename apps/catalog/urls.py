from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("papers/<int:number>/", views.paper_detail, name="paper"),
]
