"""The users of bench/load.py: readers of the public pages, and one curator editing through the admin.

bench/load.py runs this with `locust --headless` against the gunicorn it started and hands it a plan (JSON, path
in CASEBASE_LOAD_PLAN) with what exists in its database: report ids, condition and intervention ids, the patients
and treatments the curator may change, the curator's login. What the users did comes back in files the plan
names: every request (page type, milliseconds, error), every write the curator made, every exception a user's
code raised. Each request is named by its page type, so that the times can be told apart per page.
"""

import itertools
import json
import os
import random
import time
import traceback
from html.parser import HTMLParser
from urllib.parse import urlencode

from locust import HttpUser, between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["CASEBASE_LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)

# A request slower than this is an error rather than a wait: the run must end in bounded time.
TIMEOUT = 60.0

# Common words match thousands of the baseline's reports, rare ones a few (a search that finds little is a page too).
COMMON_WORDS = ["patients", "treatment", "cancer", "case", "disease", "children", "risk"]
RARE_WORDS = ["sarcoidosis", "naltrexone", "pheochromocytoma", "kawasaki", "sjogren", "amyloidosis", "brucellosis"]
PHRASES = ['"heart failure"', '"case report"', '"breast cancer"', '"low dose"', '"type 2 diabetes"']
OPERATORS = ["cancer -breast", "diabetes or obesity", "infection -covid", "lupus or sjogren"]


samples = []  # (page type, start time, milliseconds, error or "")
user_errors = []  # exceptions raised in the users' own code: they count as errors too
_numbers = itertools.count()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs):
    samples.append(
        (
            name,
            start_time or time.time(),
            response_time,
            f"{type(exception).__name__}: {exception}"[:300] if exception else "",
        )
    )


@events.user_error.add_listener
def _record_user_error(user_instance, exception, tb, **kwargs):
    user_errors.append(f"{type(user_instance).__name__}: {''.join(traceback.format_exception(exception))[-2000:]}")


@events.quitting.add_listener
def _write_results(environment, **kwargs):
    with open(PLAN["samples_path"], "w") as out:
        json.dump({"samples": samples, "user_errors": user_errors}, out)


class Reader(FastHttpUser):
    """Someone reading the public pages: the list, searches, filters, reports, evidence and patients."""

    weight = 1
    wait_time = between(0, 2 * PLAN["think"]) if PLAN["think"] else constant(0)
    connection_timeout = TIMEOUT
    network_timeout = TIMEOUT

    def on_start(self):
        self.rng = random.Random(f"{PLAN['seed']}-{next(_numbers)}")

    def get(self, name: str, path: str, **query):
        self.client.get(f"{path}?{urlencode(query)}" if query else path, name=name)

    @task(4)
    def list_page(self):
        if self.rng.random() < 0.5:
            self.get("list", "/")
        else:
            self.get("list", "/", page=self.rng.randint(2, 200))

    @task(3)
    def search_common_word(self):
        query = {"q": self.rng.choice(COMMON_WORDS)}
        if self.rng.random() < 0.3:
            query["page"] = self.rng.randint(2, 20)
        self.get("search: common word", "/", **query)

    @task(3)
    def search_rare_word(self):
        self.get("search: rare word", "/", q=self.rng.choice(RARE_WORDS))

    @task(2)
    def search_phrase(self):
        self.get("search: phrase", "/", q=self.rng.choice(PHRASES))

    @task(1)
    def search_operators(self):
        self.get("search: or, -word", "/", q=self.rng.choice(OPERATORS))

    @task(3)
    def filter(self):
        condition = self.rng.choice(PLAN["conditions"])
        choices = [
            {"publication_type": PLAN["case_reports_type"]},
            {"full_text": "true", "coi": "true"},
            {"journal": "cureus"},
            {"year_min": 2019, "year_max": 2021, "q": "case"},
            {"sex": "female", "age_group": "adult"},
            {"condition": condition["name"]},
            {"curated": "true"},
            {"q": "treatment", "full_text": "true", "sort": "title"},
        ]
        self.get("filter", "/", **self.rng.choice(choices))

    @task(5)
    def report_page(self):
        self.get("report", f"/reports/{self.rng.choice(PLAN['report_ids'])}/")

    @task(2)
    def intervention_evidence(self):
        self.get("evidence: intervention", f"/interventions/{self.rng.choice(PLAN['interventions'])['id']}/")

    @task(2)
    def condition_evidence(self):
        self.get("evidence: condition", f"/conditions/{self.rng.choice(PLAN['conditions'])['id']}/")

    @task(2)
    def patients_list(self):
        condition = self.rng.choice(PLAN["conditions"])["id"]
        choices = [
            {},
            {"condition_id": condition},
            {"condition_id": condition, "outcome": "none"},
            {"intervention_id": self.rng.choice(PLAN["interventions"])["id"]},
        ]
        self.get("patients list", "/patients/", **self.rng.choice(choices))

    if PLAN["static_url"]:  # only when the app serves its static files (whitenoise)

        @task(1)
        def static_file(self):
            self.get("static file", PLAN["static_url"])


class Curator(HttpUser):
    """A curator in the admin: opens a patient's or a treatment's page, changes one thing, saves, and writes down
    what they set, so that bench/load.py can check afterwards that it is in the database."""

    fixed_count = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.rng = random.Random(f"{PLAN['seed']}-curator")
        # Each object once while the lists last (bench/load.py makes them long enough for the run).
        self.age_patients = itertools.cycle(PLAN["curator"]["age_patients"])
        self.condition_patients = itertools.cycle(PLAN["curator"]["condition_patients"])
        self.treatments = itertools.cycle(PLAN["curator"]["treatments"])
        # One kind of change after the other, so that even a short run makes each kind.
        self.edits = itertools.cycle(
            [self.change_a_patients_age, self.give_a_patient_a_condition, self.record_a_treatments_outcome]
        )
        response = self.client.get(
            "/admin/login/", params={"next": "/admin/"}, name="admin: login page", timeout=TIMEOUT
        )
        fields = form_fields(response.text, "login-form")
        fields.update(username=PLAN["curator"]["username"], password=PLAN["curator"]["password"], next="/admin/")
        with self.client.post(
            "/admin/login/",
            data=fields,
            name="admin: log in",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")
                raise RuntimeError("the curator could not log in")

    @task
    def edit(self):
        next(self.edits)()

    def change_a_patients_age(self):
        patient = next(self.age_patients)
        fields = self.open_form("patient", patient)
        if fields is None:
            return
        current = fields.get("age_value", "")
        age = self.rng.choice([n for n in range(1, 100) if str(n) != current.split(".")[0]])
        fields.update(age_value=str(age), age_unit="years")
        self.save("patient", patient, fields, {"object": "patient", "pk": patient, "age_value": age})

    def give_a_patient_a_condition(self):
        patient = next(self.condition_patients)
        fields = self.open_form("patient", patient)
        if fields is None:
            return
        row = int(fields["diagnoses-INITIAL_FORMS"])
        held = {fields.get(f"diagnoses-{n}-condition") for n in range(row)}
        condition = self.rng.choice([c["id"] for c in PLAN["conditions"] if str(c["id"]) not in held])
        fields.update({f"diagnoses-{row}-condition": str(condition), f"diagnoses-{row}-certainty": "probable"})
        self.save(
            "patient",
            patient,
            fields,
            {"object": "diagnosis", "patient": patient, "condition": condition, "certainty": "probable"},
        )

    def record_a_treatments_outcome(self):
        treatment = next(self.treatments)
        fields = self.open_form("treatment", treatment)
        if fields is None:
            return
        existing = int(fields["outcomes-INITIAL_FORMS"])
        if existing:  # correct the first outcome
            current = fields["outcomes-0-result"]
            result = self.rng.choice([r for r in OUTCOME_RESULTS if r != current])
            fields["outcomes-0-result"] = result
            write = {"object": "outcome", "pk": int(fields["outcomes-0-id"]), "result": result}
        else:  # add one in the blank row
            result = self.rng.choice(OUTCOME_RESULTS)
            fields["outcomes-0-result"] = result
            write = {"object": "new outcome", "treatment": treatment, "result": result}
        self.save("treatment", treatment, fields, write)

    def open_form(self, model: str, pk: int) -> dict | None:
        """The change form's fields, or None when the page failed (locust has counted that request as an error)."""
        url = f"/admin/reports/{model}/{pk}/change/"
        response = self.client.get(url, name=f"admin: {model} page", timeout=TIMEOUT)
        return form_fields(response.text, f"{model}_form") if response.ok else None

    def save(self, model: str, pk: int, fields: dict, write: dict) -> None:
        fields["_save"] = "Save"
        url = f"/admin/reports/{model}/{pk}/change/"
        with self.client.post(
            url, data=fields, name=f"admin: save {model}", allow_redirects=False, catch_response=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 302:
                # The admin shows the form again with its errors: say which.
                errors = ErrorList.of(response.text) if response.status_code == 200 else []
                response.failure(f"{model} {pk} not saved ({response.status_code}): {'; '.join(errors)[:300]}")
                return
            redirect = response.headers["Location"]
        with open(PLAN["writes_path"], "a") as out:
            out.write(json.dumps({**write, "at": time.time()}) + "\n")
        self.client.get(redirect, name=f"admin: {model} list after saving", timeout=TIMEOUT)


OUTCOME_RESULTS = ["resolved", "improved", "unchanged", "worsened", "failed", "adverse_event"]


class FormFields(HTMLParser):
    """The fields a browser would submit from one <form>: inputs (checked boxes only), selects (the selected
    options, else the first) and textareas, leaving out disabled ones and the inlines' hidden template rows."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.select: tuple[str, list, list] | None = None  # name, options, selected
        self.option: str | None = None
        self.textarea: tuple[str, list] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
        elif tag == "select" and name and "__prefix__" not in name:
            self.select = (name, [], [])
        elif tag == "option" and self.select is not None:
            self.option = attrs.get("value")
            value = self.option if self.option is not None else ""
            self.select[1].append(value)
            if "selected" in attrs:
                self.select[2].append(value)
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            name, options, selected = self.select
            chosen = selected[:1] or options[:1]
            if chosen:
                self.fields[name] = chosen[0]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            self.fields[name] = text[1:] if text.startswith("\n") else text  # as browsers read it
            self.textarea = None


def form_fields(html: str, form_id: str) -> dict:
    parser = FormFields(form_id)
    parser.feed(html)
    if not parser.fields:
        raise ValueError(f"no form #{form_id} on the page")
    return parser.fields


class ErrorList(HTMLParser):
    """The texts of the admin's error lists on a form shown again."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.errors: list[str] = []

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return [error.strip() for error in parser.errors if error.strip()]

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and "errorlist" in (dict(attrs).get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "ul":
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag == "ul":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.errors.append(data)
