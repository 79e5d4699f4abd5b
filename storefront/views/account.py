"""Sign up, sign in and sign out on Django auth."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from backend.accounts.services import user_register
from backend.core.errors import ServiceError
from storefront.forms import SignInForm, SignUpForm
from storefront.views.common import render_page
from storefront.views.preferences import safe_next


class SignInView(LoginView):
    template_name = "storefront/account/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("storefront:home")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("storefront:home"))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                email=data["email"],
                password=data["password1"],
                full_name=data.get("full_name", ""),
                language_code=(translation.get_language() or "vi")[:2],
            )
        except ServiceError as exc:
            for error in exc.errors:
                field = FORM_FIELDS.get(error.field or "")
                form.add_error(field, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(safe_next(request, reverse("storefront:home")))
    return render_page(request, "storefront/account/signup.html", {"form": form})


# The accounts service's field names -> this form's.
FORM_FIELDS = {"email": "email", "password": "password1", "full_name": "full_name"}


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("storefront:home"))
