from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_start, name="start"),
    path("find/", views.representative_find, name="find"),
    path("write/<slug:template_slug>/", views.letter_write, name="write"),
    path("confirm/<str:token>/", views.letter_confirm_view, name="confirm"),
    path("status/<str:token>/", views.letter_status, name="status"),
    path("reply/<str:token>/", views.letter_reply, name="reply"),
]
