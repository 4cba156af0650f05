"""Example: drive your own client with the exported Pixop state machine.

The machine brings the rules (create, rename, delete, upload, let time pass,
let tokens expire), the model and the invariants; you override the client
methods so that it is *your* code making the calls.
"""

from __future__ import annotations

import requests

from mockservers.machines import run_machine
from mockservers.pixop.machine import PixopMachine


class MyPixopClient:
    """Stands for a user's own client library."""

    def __init__(self, base_url: str, email: str, password: str) -> None:
        self.base_url, self.email, self.password = base_url, email, password
        self.http = requests.Session()

    def login(self) -> None:
        token = self.http.get(f"{self.base_url}/accounts/v1/token", auth=(self.email, self.password), timeout=30).json()["jwtToken"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def create_project(self, name: str) -> str:
        answer = self.http.put(f"{self.base_url}/videos/v1/project", json={"name": name}, timeout=30)
        if answer.status_code == 401:  # the token expired: log in again, once
            self.login()
            answer = self.http.put(f"{self.base_url}/videos/v1/project", json={"name": name}, timeout=30)
        answer.raise_for_status()
        return answer.json()["project"]["id"]


class MyClientMachine(PixopMachine):
    """The exported machine, with project creation going through MyPixopClient."""

    def client_create_project(self, name: str) -> str:
        if not hasattr(self, "my_client"):
            creds = self.emulator.credentials
            self.my_client = MyPixopClient(self.base_url, creds["email"], creds["password"])
            self.my_client.login()
        return self.my_client.create_project(name)


def test_my_client_survives_random_sequences(pixop) -> None:
    run_machine(MyClientMachine, pixop, max_examples=10)
