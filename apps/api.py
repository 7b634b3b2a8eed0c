"""The JSON API (django-ninja): OpenAPI at /api/openapi.json, docs at /api/docs.

Auth: `Authorization: Bearer <token>` or the browser session (writes then need the CSRF
token). A bearer header that does not match a token is refused even if a session exists.
"""
from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, SessionAuth

from apps.accounts.models import ApiToken


class BearerToken(APIKeyHeader):
    param_name = "Authorization"
    openapi_type = "http"
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key or not key.startswith("Bearer "):
            return None
        user = ApiToken.user_for(key[len("Bearer "):].strip())
        if user is None:
            raise AuthenticationError(401, "invalid API token")
        request.user = user
        return user


class SessionOnlyWithoutBearer(SessionAuth):
    """Session auth with the CSRF check, for logged-in browsers that sent no bearer header."""

    def _get_key(self, request: HttpRequest):
        if request.headers.get("Authorization", "").startswith("Bearer ") or not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        return super().authenticate(request, key)


write_auth = [BearerToken(), SessionOnlyWithoutBearer(csrf=True)]


def reader(request: HttpRequest):
    """The user behind a read, if any (bearer or session); anonymous reads are allowed."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = ApiToken.user_for(header[len("Bearer "):].strip())
        if user is None:
            raise HttpError(401, "invalid API token")
        return user
    return request.user if request.user.is_authenticated else None


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, str]


def field_errors(errors) -> dict[str, str]:
    """pydantic's errors as {field: reason}, the field named without its place in the request."""
    named = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        named[".".join(loc) or "request"] = err.get("msg", "invalid")
    return named


api = NinjaAPI(title="ReproLab API", version="1.0", urls_namespace="api", docs_url="/docs")


@api.exception_handler(ValidationError)
def validation_errors(request, exc: ValidationError):
    return api.create_response(request, {"detail": "invalid request", "errors": field_errors(exc.errors)}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    """A 404 says what is missing (no such run, an artifact missing from the store)."""
    return api.create_response(request, {"detail": str(exc) or "Not Found"}, status=404)


@api.exception_handler(AuthenticationError)
def auth_errors(request, exc: AuthenticationError):
    message = exc.message if getattr(exc, "message", None) else "authentication required: log in or send a bearer token"
    return api.create_response(request, {"detail": message}, status=401)


def _register_routers() -> None:
    from apps.catalog.api import router as catalog_router
    from apps.runs.api import router as runs_router

    api.add_router("", catalog_router)
    api.add_router("", runs_router)


_register_routers()
