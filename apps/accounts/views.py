"""Sign up, the account page (runs, quota, API tokens). Log in/out are Django's own views."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.runs.models import ACTIVE_STATUSES, Run

from .models import ApiToken


def signup(request):
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.username}. You can now queue runs.")
        return redirect("catalog")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def account(request):
    runs = Run.objects.filter(owner=request.user).select_related("method")[:50]
    active = Run.objects.filter(owner=request.user, status__in=ACTIVE_STATUSES).count()
    context = {
        "runs": runs,
        "active": active,
        "cap": settings.RUNS_PER_USER_CAP,
        "tokens": request.user.api_tokens.all(),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def create_token(request):
    _, raw = ApiToken.issue(request.user, request.POST.get("name", "web") or "web")
    request.session["new_token"] = raw
    return redirect("account")


@login_required
@require_POST
def delete_token(request, token_id: int):
    request.user.api_tokens.filter(pk=token_id).delete()
    messages.info(request, "Token revoked.")
    return redirect("account")
