"""Every HTML page each role reaches, walked from the app's route table: no id
used twice on a page, and every ``label[for]`` names an input, select or
textarea of that page (else a tap on the label and a screen reader reach the
wrong element, or none)."""

from __future__ import annotations

from html.parser import HTMLParser

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.conftest import World
from tests.web.test_no_escapes import endpoints, paths
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import register, start_round


class Markup(HTMLParser):
    """The ids of a page (each with its tag) and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[tuple[str, str]] = []
        self.label_for: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append((str(found["id"]), tag))
        if tag == "label" and found.get("for"):
            self.label_for.append(str(found["for"]))


def markup_faults(html: str) -> list[str]:
    """An id used twice, or a ``label[for]`` naming no input, select or
    textarea of the page (a screen reader and a tap on the label would reach
    the wrong element, or none)."""
    parsed = Markup()
    parsed.feed(html)
    tags: dict[str, list[str]] = {}
    for id_, tag in parsed.ids:
        tags.setdefault(id_, []).append(tag)
    faults = [f"id {id_!r} on {len(found)} elements" for id_, found in tags.items() if len(found) > 1]
    for target in parsed.label_for:
        if not {"input", "select", "textarea"} & set(tags.get(target, [])):
            faults.append(f"label for {target!r} names {tags.get(target, ['nothing'])}")
    return faults


def walk(client: TestClient, who: str, pages: set[str]) -> list[str]:
    """The markup faults of every page a GET reaches, ids 1 and 2 in the
    path; each page's path added to ``pages``."""
    found = []
    for method, template, route in endpoints(client.app):
        if method != "GET":
            continue
        for path in paths(template, route):
            if "999999" in path:
                continue
            response = client.get(path, follow_redirects=False)
            if response.status_code == 200 and response.headers["content-type"].startswith("text/html"):
                pages.add(f"{who} {path}")
                found += [f"{who}: {path}: {fault}" for fault in markup_faults(response.text)]
    return found


def test_no_page_repeats_an_id_or_labels_nothing(client: TestClient, world: World) -> None:
    pages: set[str] = set()
    faults = walk(client, "signed out", pages)
    register(client, world)
    start_round(client, world.open_round)
    faults += walk(client, "participant", pages)
    for role, username in ((Role.JUDGE, "giamkhao"), (Role.ORGANISER, "btc")):
        client.cookies.clear()
        sign_in_staff(client, world, role, username)
        faults += walk(client, role.value, pages)
    assert not faults, "\n".join(faults)
    main = {"signed out /login", "signed out /register", "participant /me/account", "participant /me/attempts"}
    main |= {"participant /attempts/1", "judge /judging/rounds/1", "organiser /organiser/contests/1/edit"}
    assert main <= pages, main - pages


def test_markup_faults_names_a_repeated_id_and_a_label_of_nothing() -> None:
    page = '<section id="password"><label for="password">Mật khẩu</label><input id="password"></section>'
    page += '<label for="phone">Số điện thoại</label><p id="phone"></p><label for="name">Tên</label>'
    assert markup_faults(page) == [
        "id 'password' on 2 elements",
        "label for 'phone' names ['p']",
        "label for 'name' names ['nothing']",
    ]
