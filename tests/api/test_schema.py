"""OpenAPI schema at /api/schema/ and Swagger UI at /api/docs/, served offline."""

from __future__ import annotations

import re

import yaml
from drf_spectacular.validation import validate_schema


def test_schema_renders_as_valid_openapi_yaml(world, api):
    response = api(world.lead).get("/api/schema/")
    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["info"]["title"] == "档案服务外包质量保障系统 API"
    for path in ["/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/projects/{id}/advance/",
                 "/api/v1/projects/{id}/suspend/", "/api/v1/projects/{id}/resume/",
                 "/api/v1/projects/{id}/gates/", "/api/v1/projects/{id}/history/",
                 "/api/v1/projects/{project_pk}/members/", "/api/v1/projects/{project_pk}/members/{id}/",
                 "/api/v1/auth/token/"]:
        assert path in schema["paths"], path
    assert not any(p.startswith("/projects/") or p.startswith("/api/schema") for p in schema["paths"])
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_as_json(world, api):
    response = api(world.regulator, token=True).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/projects/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {"phase", "service_type", "risk_level", "contractor", "q", "page"} <= params
    update = schema["components"]["schemas"]["PatchedProjectUpdateRequest"]["properties"]
    assert "version" in update and not {"client", "phase", "created_by"} & set(update)


def test_schema_needs_authentication(db, api):
    assert api().get("/api/schema/").status_code == 401


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_page_uses_only_local_assets(world, api):
    client = api(world.lead)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html  # CSP: no inline code
    urls = _asset_urls(html)
    assert urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert not re.search(r"https?://", url)
    assert not re.search(r"(?:https?:)?//(?!testserver)[a-z0-9.-]+\.[a-z]{2,}", html)
    # The assets are really served (whitenoise from the sidecar package) ...
    for url in urls:
        path = url.split("?")[0]
        if path.startswith("/static/"):
            asset = client.get(path)
            assert asset.status_code == 200, path
            body = b"".join(asset.streaming_content) if asset.streaming else asset.content
            assert body
    # ... and the start-up script is a same-origin file pointing at the local schema.
    script_url = next(u for u in urls if "script" in u)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    js = script.content.decode()
    assert 'url: "/api/schema/"' in js
    assert '"validatorUrl": null' in js
    assert not re.search(r"https?://", js)


def test_docs_page_sends_anonymous_visitors_to_login(db, api):
    response = api().get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_docs_page_keeps_the_content_security_policy(world, api):
    response = api(world.lead).get("/api/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
