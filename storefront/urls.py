"""The shop's pages. Included at the root path by backend/urls.py."""

from django.urls import URLPattern, URLResolver, include, path

from storefront.views import account, cart, catalogue, partner, preferences, producer

app_name = "storefront"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.home, name="home"),
    path("search/", catalogue.search, name="search"),
    path("search/suggest/", catalogue.suggestions, name="suggest"),
    path("p/<slug:slug>/", catalogue.product_detail, name="product"),
    path("ship-to/", preferences.ship_to, name="ship_to"),
    path("account/signup/", account.signup, name="signup"),
    path("account/login/", account.SignInView.as_view(), name="login"),
    path("account/logout/", account.signout, name="logout"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/update/", cart.cart_update, name="cart_update"),
    path("checkout/", cart.checkout, name="checkout"),
    path("checkout/communes/", cart.communes, name="communes"),
    path("orders/<str:token>/", cart.order_detail, name="order"),
    path("account/orders/", cart.orders, name="orders"),
    path("producer/", producer.dashboard, name="producer"),
    path("producer/products/<int:pk>/", producer.product_edit, name="producer_product"),
    path("producer/import/", producer.product_import, name="producer_import"),
    path("producer/ship/", producer.ship, name="producer_ship"),
    path("producer/import/<str:job_id>/", producer.product_import_job, name="producer_import_job"),
    path("partner/", partner.portal, name="partner"),
    path("partner/products/<int:pk>/", partner.product_compliance, name="partner_product"),
    path("partner/feeds/", partner.feed_request, name="partner_feed_request"),
    path("partner/feeds/<str:token>/", partner.feed_download, name="partner_feed"),
    path("i18n/", include("django.conf.urls.i18n")),
]
