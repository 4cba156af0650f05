"""One call per provider that needs credentials: what tests use to prove an auth header opens the API."""

AUTHENTICATED_CALLS = {
    "pixop": "/videos/v1/projects",
    "vonage": "/v3/media",
    "bluebillywig": "/sapi/mediaclip?limit=1",
    "mediaflow": "/1/folders",
    "mediabank": "/storage/",
}
