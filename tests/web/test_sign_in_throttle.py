"""Repeated failed sign-ins are slowed before any password is hashed; a good one clears
the name's failures."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sounding.web.throttle import SignInThrottle

from .conftest import PASSWORD, csrf_of


def test_the_wait_doubles_after_the_free_failures_and_a_success_clears_it() -> None:
    now = [100.0]
    throttle = SignInThrottle(free=3, base=2.0, longest=10.0, clock=lambda: now[0])
    name, client = "ed", "10.0.0.1"
    for _ in range(3):
        assert throttle.wait(name, client) == 0
        throttle.failed(name, client)
    assert throttle.wait(name, client) == 2
    now[0] += 2.0
    assert throttle.wait(name) == 0
    for expected in (4, 8, 10, 10):  # doubling, up to the longest wait
        throttle.failed(name)
        assert throttle.wait(name) == expected
    throttle.succeeded(name)
    assert throttle.wait(name) == 0
    assert throttle.wait(name, client) == 0  # the client's 3 failures: free ones, and old


def test_the_sixth_wrong_password_is_refused_without_checking_it(client: TestClient) -> None:
    def attempt(password: str) -> int:
        token = csrf_of(client.get("/login").text)
        return client.post("/login", data={"username": "ed", "password": password,
                                           "csrf_token": token},
                           follow_redirects=False).status_code

    assert [attempt("wrong-one") for _ in range(5)] == [401] * 5
    token = csrf_of(client.get("/login").text)
    refused = client.post("/login", data={"username": "ED ", "password": PASSWORD,
                                          "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "Too many failed attempts" in refused.text
    names, clients = client.app.state.sign_in_throttles
    assert clients.wait("testclient") == 0  # 5 failures: still free for the address
    names.succeeded("ed")  # as if the wait had passed
    assert attempt(PASSWORD) == 303
