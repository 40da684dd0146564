from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import audit
from reports.cases.vocabulary import load_mesh
from reports.mesh import TABLE, thesaurus
from reports.models import Condition, Intervention


class Command(BaseCommand):
    help = (
        "Load MeSH 2021 (data/mesh/) into the vocabulary: its diseases as conditions, its drugs and procedures as "
        "interventions, with their MeSH UIs, tree numbers and entry terms. Run again, it changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--table", type=Path, default=TABLE, help="the MeSH table (default: %(default)s)")

    def handle(self, *args, table: Path, **options):
        try:
            found = thesaurus(table)
        except (OSError, EOFError, KeyError, UnicodeDecodeError) as error:
            raise CommandError(f"{table}: not a MeSH table ({error})") from error
        with audit.acting(reason="MeSH 2021 loaded into the vocabulary (manage.py load_mesh)"):
            loaded = load_mesh(thesaurus=found)
        for model, name in ((Condition, "conditions"), (Intervention, "interventions")):
            done = loaded[model]
            self.stdout.write(
                f"{name}: {done.created} created, {done.updated} given MeSH details, {done.unchanged} unchanged"
                + (
                    f", {len(done.conflicts)} left out (a term of that name holds another MeSH UI)"
                    if done.conflicts
                    else ""
                )
            )
            for conflict in done.conflicts[:20]:
                self.stdout.write(f"  left out: {conflict}")
