from django.urls import path

from petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    # Token links first: their first path segment would otherwise read as a petition's slug.
    path("confirm/<str:token>/", views.signature_confirm, name="confirm"),
    path("withdraw/<str:token>/", views.signature_withdraw, name="withdraw"),
    path("<slug:slug>/", views.petition_detail, name="detail"),
    path("<slug:slug>/sign/", views.petition_sign, name="sign"),
    path("<slug:slug>/thanks/", views.petition_thanks, name="thanks"),
    path("<slug:slug>/count.json", views.petition_count, name="count"),
    path("<slug:slug>/widget/", views.petition_widget, name="widget"),
    path("<slug:slug>/card.png", views.petition_card, name="card"),
    path("<slug:slug>/shared", views.share_event, name="share_event"),
]
