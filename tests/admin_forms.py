"""Reading and submitting the admin's forms the way a browser does, for tests that drive the admin."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


class _MainFormControls(HTMLParser):
    """What a browser submits from the admin's main form (<form id="<model>_form">): every input, select and
    textarea, including the inlines' management forms; not submit buttons, unchecked boxes or disabled controls."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.labels: dict[str, list[str]] = {}
        self.autocompletes: list[tuple[str, str, str]] = []
        self._select: dict | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.found = self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
                return
            self._add(attrs["name"], attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
            if "admin-autocomplete" in (attrs.get("class") or ""):
                self.autocompletes.append((attrs["data-app-label"], attrs["data-model-name"], attrs["data-field-name"]))
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]
            self._select["options"].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            options = [
                (text.strip() if value is None else value, text.strip(), chosen)
                for value, text, chosen in select["options"]
            ]
            chosen = [option for option in options if option[2]]
            if not chosen and not select["multiple"] and options:
                chosen = options[:1]  # a browser submits the first option of a single select
            self.data.setdefault(select["name"], [])
            self.labels[select["name"]] = [label for _, label, _ in chosen]
            for value, _, _ in chosen:
                self._add(select["name"], value)
        elif tag == "textarea" and self._textarea is not None:
            (name, text), self._textarea = self._textarea, None
            # Browsers drop the newline that Django writes right after <textarea>.
            self._add(name, text.removeprefix("\r\n").removeprefix("\n"))


@dataclass
class AdminForm:
    """An admin change (or add) page's main form, filled in as the page offers it."""

    url: str
    page: object
    data: dict[str, list[str]]
    labels: dict[str, list[str]] = field(default_factory=dict)
    autocompletes: list[tuple[str, str, str]] = field(default_factory=list)

    def __getitem__(self, name: str) -> str:
        (value,) = self.data[name]
        return value

    def __setitem__(self, name: str, value: str) -> None:
        self.data[name] = [value]

    def label(self, name: str) -> str:
        """The text of the option a select shows as chosen."""
        (label,) = self.labels[name]
        return label

    def submit(self, client):
        return client.post(self.url, self.data)


def open_admin_form(client, url: str) -> AdminForm:
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _MainFormControls()
    parser.feed(page.content.decode())
    parser.close()
    assert parser.found, f"{url} has no main form"
    return AdminForm(url=url, page=page, data=parser.data, labels=parser.labels, autocompletes=parser.autocompletes)
